namespace EVC.Stream.Model.Layers;

/// <summary>Official <c>DepthConvBlockUpsample</c> (hyper decoder): DepthConv, ConvFFN, a 1x1 convolution to 4× channels, pixel shuffle.</summary>
internal sealed class DepthConvBlockUpsample : EvcLayer
{
    private readonly nn.Module<Tensor, Tensor> _block;

    /// <summary>Creates the block (prior variant, upsampling by 2).</summary>
    public DepthConvBlockUpsample(long inChannels, long outChannels) : base(nameof(DepthConvBlockUpsample))
    {
        _block = Child("block", Sequential(
            new DepthConv(inChannels, outChannels, DepthConvVariant.Prior),
            new ConvFFN(outChannels, DepthConvVariant.Prior),
            Conv(outChannels, outChannels * 4, 1),
            nn.PixelShuffle(2)));
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => _block.call(x);
}
