using System.Globalization;

namespace EVC.Stream.Container;

/// <summary>A positive rational number stored as two unsigned 32-bit integers (time base, frame rate).</summary>
/// <param name="Numerator">The numerator (at least 1 in a valid header).</param>
/// <param name="Denominator">The denominator (at least 1 in a valid header).</param>
public readonly record struct EvcsRational(uint Numerator, uint Denominator)
{
    /// <summary>The value as a double (NaN when the denominator is zero).</summary>
    public double Value => Denominator == 0 ? double.NaN : (double)Numerator / Denominator;

    /// <summary>True when both parts are non-zero.</summary>
    public bool IsValid => Numerator != 0 && Denominator != 0;

    /// <summary>"num/den".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Numerator}/{Denominator}");
}
