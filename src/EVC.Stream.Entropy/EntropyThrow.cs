using System.Diagnostics.CodeAnalysis;

namespace EVC.Stream.Entropy;

/// <summary>Throw helpers keep the throwing code (and its string formatting) out of the hot loops.</summary>
internal static class EntropyThrow
{
    [DoesNotReturn]
    public static void Corrupt(string what) =>
        throw new EntropyCodingException($"Corrupt or truncated entropy-coded stream: {what}.");

    [DoesNotReturn]
    public static void Truncated(int subStream) =>
        throw new EntropyCodingException($"Corrupt or truncated entropy-coded stream: sub-stream {subStream} ran out of data.");

    [DoesNotReturn]
    public static void IndexOutOfTable(int index, int rows) =>
        throw new EntropyCodingException($"CDF index {index} is outside the table (it has {rows} rows).");

    [DoesNotReturn]
    public static void BadTable(string what) =>
        throw new EntropyCodingException($"Invalid CDF table: {what}.");

    [DoesNotReturn]
    public static void SymbolTooLarge(int symbol) =>
        throw new EntropyCodingException($"Symbol {symbol} is outside the codable range of ±{RansEncoder.MaxAbsSymbol}.");

    [DoesNotReturn]
    public static void LengthMismatch(int symbols, int indexes) =>
        throw new EntropyCodingException($"{symbols} symbols but {indexes} indexes: one index per symbol is required.");
}
