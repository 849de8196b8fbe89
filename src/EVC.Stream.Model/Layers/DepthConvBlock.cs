namespace EVC.Stream.Model.Layers;

/// <summary>Official <c>DepthConvBlock</c>: a <see cref="DepthConv"/> followed by a <see cref="ConvFFN"/> (child <c>block</c>).</summary>
internal sealed class DepthConvBlock : EvcLayer
{
    private readonly nn.Module<Tensor, Tensor> _block;

    /// <summary>Creates the block.</summary>
    public DepthConvBlock(long inChannels, long outChannels, DepthConvVariant variant, long stride = 1) : base(nameof(DepthConvBlock))
    {
        _block = Child("block", Sequential(
            new DepthConv(inChannels, outChannels, variant, stride: stride),
            new ConvFFN(outChannels, variant)));
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => _block.call(x);
}
