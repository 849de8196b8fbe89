namespace EVC.Stream.Model.Layers;

/// <summary>Official <c>ResidualBlockWithStride</c>: a strided 3x3 convolution pair with a strided 1x1 shortcut.</summary>
internal sealed class ResidualBlockWithStride : EvcLayer
{
    private readonly nn.Module<Tensor, Tensor> _conv1, _conv2, _downsample;

    /// <summary>Creates the block (stride 2, as EVC uses it).</summary>
    public ResidualBlockWithStride(long inChannels, long outChannels, long stride = 2) : base(nameof(ResidualBlockWithStride))
    {
        _conv1 = Child("conv1", Conv(inChannels, outChannels, 3, stride, 1));
        _conv2 = Child("conv2", Conv(outChannels, outChannels, 3, 1, 1));
        _downsample = Child("downsample", Conv(inChannels, outChannels, 1, stride));
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        Tensor output = LeakyRelu.Apply(_conv1.call(x), 0.01);
        output = LeakyRelu.Apply(_conv2.call(output), 0.1);
        return output + _downsample.call(x);
    }
}
