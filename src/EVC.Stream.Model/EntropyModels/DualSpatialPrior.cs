using EVC.Stream.Model.Layers;

namespace EVC.Stream.Model.EntropyModels;

/// <summary>
/// The dual spatial prior of EVC (section 3.2 of the paper; official <c>forward_dual_prior</c>,
/// <c>compress_dual_prior</c>, <c>decompress_dual_prior</c>): y is split into two channel halves and a checkerboard;
/// pass 0 codes half 0 at mask_0 and half 1 at mask_1 with the hyperprior's scales and means; the spatial prior then
/// predicts scales and means for the remaining positions from what pass 0 reconstructed.
/// All values live in the domain divided by <c>q_step' = max(q_step, 0.5)</c>, exactly as the official code computes them.
/// </summary>
internal static class DualSpatialPrior
{
    /// <summary><c>y_spatial_prior</c>: 4N → 2N channels (scales_0, means_0, scales_1, means_1).</summary>
    public static nn.Module<Tensor, Tensor> Network(long n) => EvcLayer.Sequential(
        new DepthConvBlock(n * 4, n * 3, DepthConvVariant.Prior),
        new DepthConvBlock(n * 3, n * 2, DepthConvVariant.Prior),
        new DepthConvBlock(n * 2, n * 2, DepthConvVariant.Prior));

    /// <summary>The checkerboards: mask_0 is 1 where (h + w) is even (top-left 1), mask_1 = 1 − mask_0.</summary>
    public static (Tensor Mask0, Tensor Mask1) Masks(long height, long width, ScalarType dtype, Device device)
    {
        using Tensor micro = tensor(new float[] { 1, 0, 0, 1 }, new long[] { 2, 2 }, dtype, device);
        Tensor mask0 = micro.repeat(height / 2, width / 2).unsqueeze(0).unsqueeze(0);
        Tensor mask1 = ones_like(mask0) - mask0;
        return (mask0, mask1);
    }

    /// <summary>What the encoder codes: the two passes (symbols and the scales that select their tables) and ŷ.</summary>
    public sealed record Encoded(Tensor Pass0Symbols, Tensor Pass1Symbols, Tensor Pass0Scales, Tensor Pass1Scales, Tensor YHat,
        Tensor Pass0Means, Tensor Pass1Means, Tensor SpatialPriorOutput);

    /// <summary>Official <c>compress_dual_prior</c> (<c>forward_dual_prior</c> with <c>write=True</c>).</summary>
    public static Encoded Compress(Tensor y, Tensor means, Tensor scales, Tensor quantStep, nn.Module<Tensor, Tensor> spatialPrior)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(spatialPrior);
        (Tensor mask0, Tensor mask1) = Masks(y.shape[2], y.shape[3], y.dtype, y.device);
        Tensor step = quantStep.clamp_min(0.5);
        Tensor scaled = y / step;
        Tensor[] yHalves = scaled.chunk(2, 1);
        Tensor[] scaleHalves = scales.chunk(2, 1);
        Tensor[] meanHalves = means.chunk(2, 1);

        var (q00, hat00, scales00, means00) = ProcessWithMask(yHalves[0], scaleHalves[0], meanHalves[0], mask0);
        var (q11, hat11, scales11, means11) = ProcessWithMask(yHalves[1], scaleHalves[1], meanHalves[1], mask1);

        Tensor prior = spatialPrior.forward(cat(new[] { hat00, hat11, means, scales, step }, 1));
        Tensor[] parts = prior.chunk(4, 1);  // scales_0, means_0, scales_1, means_1
        var (q01, hat01, scales01, means01) = ProcessWithMask(yHalves[0], parts[0], parts[1], mask1);
        var (q10, hat10, scales10, means10) = ProcessWithMask(yHalves[1], parts[2], parts[3], mask0);

        Tensor yHat = cat(new[] { hat00 + hat01, hat11 + hat10 }, 1) * step;
        return new Encoded(q00 + q11, q01 + q10, scales00 + scales11, scales01 + scales10, yHat,
            means00 + means11, means01 + means10, prior);
    }

    /// <summary>
    /// Official <c>decompress_dual_prior</c>: <paramref name="decodePass"/> turns the packed scales of a pass into its
    /// decoded symbols (float, same shape), reading the entropy-coded stream.
    /// </summary>
    public static Tensor Decompress(Tensor means, Tensor scales, Tensor quantStep, nn.Module<Tensor, Tensor> spatialPrior, Func<Tensor, Tensor> decodePass)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(spatialPrior);
        ArgumentNullException.ThrowIfNull(decodePass);
        (Tensor mask0, Tensor mask1) = Masks(means.shape[2], means.shape[3], means.dtype, means.device);
        Tensor step = quantStep.clamp_min(0.5);
        Tensor[] scaleHalves = scales.chunk(2, 1);
        Tensor[] meanHalves = means.chunk(2, 1);

        Tensor q0 = decodePass(scaleHalves[0] * mask0 + scaleHalves[1] * mask1);
        Tensor hat00 = (q0 + meanHalves[0]) * mask0;
        Tensor hat11 = (q0 + meanHalves[1]) * mask1;

        Tensor[] parts = spatialPrior.forward(cat(new[] { hat00, hat11, means, scales, step }, 1)).chunk(4, 1);
        Tensor q1 = decodePass(parts[0] * mask1 + parts[2] * mask0);
        Tensor hat01 = (q1 + parts[1]) * mask1;
        Tensor hat10 = (q1 + parts[3]) * mask0;

        return cat(new[] { hat00 + hat01, hat11 + hat10 }, 1) * step;
    }

    /// <summary>Official <c>process_with_mask</c>: quantise the residual at the masked positions.</summary>
    private static (Tensor Q, Tensor Hat, Tensor Scales, Tensor Means) ProcessWithMask(Tensor y, Tensor scales, Tensor means, Tensor mask)
    {
        Tensor scalesHat = scales * mask;
        Tensor meansHat = means * mask;
        Tensor residual = (y - meansHat) * mask;
        Tensor q = residual.round();
        return (q, q + meansHat, scalesHat, meansHat);
    }
}
