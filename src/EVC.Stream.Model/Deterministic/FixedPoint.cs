namespace EVC.Stream.Model.Deterministic;

/// <summary>
/// The fixed-point arithmetic of the deterministic stream mode (spec: <c>docs/determinism.md</c>, "Deterministic
/// mode v1"). An activation is an integer <c>a</c> meaning <c>a · 2^-ActivationBits</c>, held in a float64 tensor.
/// Weights are integers with a power-of-two scale per output channel. Every convolution sum is a sum of integer
/// products whose partial sums all stay below 2^53 (guaranteed by clamping the layer's input), so float64 computes
/// it exactly in any order — any BLAS, thread count, batch layout or GPU gives the same integers. Everything else is
/// a fixed sequence of single IEEE-754 operations (multiply, add, floor, compare), which are correctly rounded and
/// so identical on every conforming device.
/// </summary>
internal static class FixedPoint
{
    /// <summary>Fraction bits of every activation: a resolution of 2^-16 ≈ 1.5e-5.</summary>
    public const int ActivationBits = 16;

    /// <summary>Weights are scaled per output channel so that the largest magnitude fits in this many bits plus sign.</summary>
    public const int WeightBits = 15;

    /// <summary>The largest weight exponent: keeps bias integers of near-zero channels in range.</summary>
    public const int MaxWeightExponent = 30;

    /// <summary>Integer sums are exact in float64 up to here.</summary>
    public const double ExactLimit = 9007199254740992.0;  // 2^53

    /// <summary>2^ActivationBits.</summary>
    public const double One = 65536.0;

    /// <summary>Converts real values to activation integers: <c>floor(v · 2^16 + 0.5)</c> in float64.</summary>
    public static Tensor FromReal(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using Tensor scaled = values.to(ScalarType.Float64) * One;
        return scaled.add_(0.5).floor_();
    }

    /// <summary>Converts activation integers back to real values (float64, exact).</summary>
    public static Tensor ToReal(Tensor integers)
    {
        ArgumentNullException.ThrowIfNull(integers);
        return integers * (1.0 / One);
    }

    /// <summary>Rounds <c>v · 2^-shift</c> to the nearest integer, halves up: <c>floor(v · 2^-shift + 0.5)</c>.</summary>
    /// <remarks>Both steps are single IEEE operations on exactly known inputs, so every device gets the same result.</remarks>
    public static Tensor Requantise(Tensor accumulator, Tensor inverseScale)
    {
        ArgumentNullException.ThrowIfNull(accumulator);
        return accumulator.mul_(inverseScale).add_(0.5).floor_();
    }

    /// <summary>LeakyReLU on activation integers, rounded back to integers: <c>x ≥ 0 ? x : floor(x · slope + 0.5)</c>.</summary>
    public static Tensor LeakyRelu(Tensor x, double slope)
    {
        ArgumentNullException.ThrowIfNull(x);
        return nn.functional.leaky_relu(x, slope).add_(0.5).floor_();
    }

    /// <summary>The weight exponent of one output channel: the largest e ≤ 30 with <c>round(max|w| · 2^e) &lt; 2^15</c>.</summary>
    /// <remarks>ILogB and ScaleB are exact, so every machine picks the same exponent.</remarks>
    public static int WeightExponent(double maxAbsWeight)
    {
        if (maxAbsWeight == 0 || !double.IsFinite(maxAbsWeight))
            return 0;
        int exponent = WeightBits - 1 - Math.ILogB(maxAbsWeight);
        if (Math.Round(Math.ScaleB(maxAbsWeight, exponent)) >= (1 << WeightBits))
            exponent--;
        return Math.Min(exponent, MaxWeightExponent);
    }
}
