using EVC.Stream.Model.Layers;

namespace EVC.Stream.Model.Models;

/// <summary>The analysis (<c>enc</c>) and synthesis (<c>dec</c>) transforms of the official <c>get_enc_dec_models</c>.</summary>
internal static class Transforms
{
    /// <summary>Channel widths at 2x, 4x, 8x and 16x downsampling of the large (L), medium (M) and small (S) transforms.</summary>
    public static readonly long[] Large = [192, 192, 192, 192], Medium = [128, 128, 192, 192], Small = [64, 64, 128, 192];

    /// <summary>The analysis transform: image (3 channels) → latent (channels[3]), 16x smaller.</summary>
    public static nn.Module<Tensor, Tensor> Analysis(long[] channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return EvcLayer.Sequential(
            new ResidualBlockWithStride(3, channels[0]),
            new DepthConvBlock(channels[0], channels[0], DepthConvVariant.Transform),
            new ResidualBlockWithStride(channels[0], channels[1]),
            new DepthConvBlock(channels[1], channels[1], DepthConvVariant.Transform),
            new ResidualBlockWithStride(channels[1], channels[2]),
            new DepthConvBlock(channels[2], channels[2], DepthConvVariant.Transform),
            EvcLayer.Conv(channels[2], channels[3], 3, 2, 1));
    }

    /// <summary>The synthesis transform: latent (channels[3]) → image (3 channels), 16x larger.</summary>
    public static nn.Module<Tensor, Tensor> Synthesis(long[] channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return EvcLayer.Sequential(
            new DepthConvBlock(channels[3], channels[3], DepthConvVariant.Transform),
            new ResidualBlockUpsample(channels[3], channels[2]),
            new DepthConvBlock(channels[2], channels[2], DepthConvVariant.Transform),
            new ResidualBlockUpsample(channels[2], channels[1]),
            new DepthConvBlock(channels[1], channels[1], DepthConvVariant.Transform),
            new ResidualBlockUpsample(channels[1], channels[0]),
            new DepthConvBlock(channels[0], channels[0], DepthConvVariant.Transform),
            SubPixel.Conv1x1(channels[0], 3, 2));
    }
}
