using EVC.Stream.Model.Models;

namespace EVC.Stream.Model.Codec;

/// <summary>
/// How the official scalable <c>compress</c> picks an encoder level when none is forced: every level is run, its rate
/// estimated (<see cref="RateEstimator"/>) and its reconstruction decoded, and the level with the lowest RD cost
/// <c>λ·255²·MSE + bpp</c> wins, λ being that of the rate anchor nearest to the requested q_scale
/// (<see cref="QScale.NearestAnchor"/>).
/// </summary>
internal static class EncoderLevelChoice
{
    /// <summary>The level with the lowest RD cost for this padded image; single-encoder models return 0.</summary>
    public static int Choose(ImageCodec codec, Tensor xPadded, double qScale)
    {
        ArgumentNullException.ThrowIfNull(xPadded);
        EvcModel model = codec.Model;
        if (model.EncoderLevels <= 1)
            return 0;
        int anchor = QScale.NearestAnchor(model, qScale);
        int best = 0;
        double bestCost = double.PositiveInfinity;
        for (int level = 0; level < model.EncoderLevels; level++)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            CompressionTrace trace = codec.AnalyseWithoutCoding(xPadded, qScale, level);
            double bpp = RateEstimator.Bits(model, trace) / (xPadded.shape[2] * xPadded.shape[3]);
            Tensor xHat = codec.SynthesisTransform(trace.YHat);
            double mse = (xHat - xPadded).square().mean().to(ScalarType.Float64).item<double>();
            double cost = QScale.AnchorLambdas[anchor] * 255 * 255 * mse + bpp;
            if (cost < bestCost)
            {
                bestCost = cost;
                best = level;
            }
        }
        return best;
    }
}
