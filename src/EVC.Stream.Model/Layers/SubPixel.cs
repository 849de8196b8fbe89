namespace EVC.Stream.Model.Layers;

/// <summary>3x3 sub-pixel convolution helpers of the official <c>layers.py</c>.</summary>
internal static class SubPixel
{
    /// <summary><c>subpel_conv1x1</c>: a 1x1 convolution to <c>out·r²</c> channels, then a pixel shuffle.</summary>
    public static nn.Module<Tensor, Tensor> Conv1x1(long inChannels, long outChannels, long r) =>
        EvcLayer.Sequential(EvcLayer.Conv(inChannels, outChannels * r * r, 1), nn.PixelShuffle(r));
}
