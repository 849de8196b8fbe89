using EVC.Stream.Model.EntropyModels;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Model.Codec;

/// <summary>
/// The rate estimate of the official <c>forward</c> without entropy coding: Gaussian bits of the quantised y
/// (scales clamped to [0.11, 1e10]) plus the factorised prior's bits of ẑ, each <c>max(−log2(p + 1e-5), 0)</c>.
/// Float32 in torch: an estimate, not a bitstream size.
/// </summary>
internal static class RateEstimator
{
    /// <summary>The estimated bits of a padded image, divided by the padded pixel count.</summary>
    public static double BitsPerPixel(ImageCodec codec, Tensor xPadded, double qScale, int encoderLevel)
    {
        ArgumentNullException.ThrowIfNull(xPadded);
        using var scope = NewDisposeScope();
        CompressionTrace trace = codec.AnalyseWithoutCoding(xPadded, qScale, encoderLevel);
        return Bits(codec.Model, trace) / (xPadded.shape[2] * xPadded.shape[3]);
    }

    /// <summary>The estimated bits of one traced compression: both spatial-prior passes and ẑ.</summary>
    public static double Bits(EvcModel model, CompressionTrace trace) =>
        GaussianBits(trace, 0) + GaussianBits(trace, 1) + FactorizedBits(model, trace.ZHat);

    private static double GaussianBits(CompressionTrace trace, int pass)
    {
        using var scope = NewDisposeScope();
        long[] shape = pass == 0 ? trace.Pass0Scales.shape : trace.Pass1Scales.shape;
        Tensor symbols = tensor(pass == 0 ? trace.Pass0Symbols : trace.Pass1Symbols, shape).to(ScalarType.Float32);
        Tensor sigma = (pass == 0 ? trace.Pass0Scales : trace.Pass1Scales).cpu().clamp(0.11, 1e10);
        Tensor sqrt2 = sigma * Math.Sqrt(2);
        Tensor upper = 0.5 * (1 + special.erf((symbols + 0.5) / sqrt2));
        Tensor lower = 0.5 * (1 + special.erf((symbols - 0.5) / sqrt2));
        return ProbabilityBits(upper - lower);
    }

    private static double FactorizedBits(EvcModel model, Tensor zHat)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        BitEstimator estimator = model.BitEstimatorZ;
        return ProbabilityBits((estimator.Cdf(zHat + 0.5) - estimator.Cdf(zHat - 0.5)).cpu());
    }

    private static double ProbabilityBits(Tensor probabilities)
    {
        using Tensor bits = (-(probabilities + 1e-5).log2()).clamp_min(0).sum();
        return bits.to(ScalarType.Float64).item<double>();
    }
}
