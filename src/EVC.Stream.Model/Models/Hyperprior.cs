using EVC.Stream.Model.Layers;

namespace EVC.Stream.Model.Models;

/// <summary>
/// The hyperprior of EVC (official <c>get_hyperprior</c>): <c>hyper_enc</c> maps y to z (4x smaller),
/// <c>hyper_dec</c> maps ẑ back, and <c>y_prior_fusion</c> turns it into the per-element quantisation step, scale and
/// mean of y (3N channels).
/// </summary>
internal static class Hyperprior
{
    /// <summary><c>hyper_enc</c>.</summary>
    public static nn.Module<Tensor, Tensor> Encoder(long n) => EvcLayer.Sequential(
        new DepthConvBlock(n, n, DepthConvVariant.Prior),
        EvcLayer.Conv(n, n, 3, 2, 1),
        new LeakyRelu(0.01),
        EvcLayer.Conv(n, n, 3, 2, 1));

    /// <summary><c>hyper_dec</c>.</summary>
    public static nn.Module<Tensor, Tensor> Decoder(long n) => EvcLayer.Sequential(
        new DepthConvBlockUpsample(n, n),
        new DepthConvBlockUpsample(n, n),
        new DepthConvBlock(n, n, DepthConvVariant.Prior));

    /// <summary><c>y_prior_fusion</c>: N → 3N channels (q_step, scales, means).</summary>
    public static nn.Module<Tensor, Tensor> PriorFusion(long n) => EvcLayer.Sequential(
        new DepthConvBlock(n, n * 2, DepthConvVariant.Prior),
        new DepthConvBlock(n * 2, n * 3, DepthConvVariant.Prior));
}
