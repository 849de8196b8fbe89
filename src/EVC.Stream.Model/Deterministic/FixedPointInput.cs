namespace EVC.Stream.Model.Deterministic;

/// <summary>
/// How a version-2 convolution reads its input: rounded to <paramref name="Bits"/> fraction bits and clamped to
/// ±<paramref name="Range"/> (real units). The clamp fixes the integer bound <c>L = Range · 2^Bits</c> from which the
/// weights get as many bits as keep every sum below 2^24.
/// </summary>
internal sealed record FixedPointInput(double Range, int Bits)
{
    /// <summary>The input clamp in activation integers of this input's resolution.</summary>
    public double Limit => Math.ScaleB(Range, Bits);
}
