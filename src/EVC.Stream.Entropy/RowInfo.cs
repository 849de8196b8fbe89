using System.Runtime.InteropServices;

namespace EVC.Stream.Entropy;

/// <summary>Per-row constants the coding loops need.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct RowInfo(int offset, int maxValue, int symbolBase)
{
    /// <summary>The value of symbol 0 (official <c>offset</c>).</summary>
    public readonly int Offset = offset;
    /// <summary>The escape symbol, <c>cdf_length - 2</c> (official <c>max_value</c>).</summary>
    public readonly int MaxValue = maxValue;
    /// <summary>Index of the row's symbol 0 in <see cref="CdfTable.EncodeSymbols"/>.</summary>
    public readonly int SymbolBase = symbolBase;
}
