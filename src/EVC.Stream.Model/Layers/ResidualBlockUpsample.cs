namespace EVC.Stream.Model.Layers;

/// <summary>Official <c>ResidualBlockUpsample</c>: sub-pixel upsampling with a sub-pixel shortcut.</summary>
internal sealed class ResidualBlockUpsample : EvcLayer
{
    private readonly nn.Module<Tensor, Tensor> _subpelConv, _conv, _upsample;

    /// <summary>Creates the block (upsampling by 2).</summary>
    public ResidualBlockUpsample(long inChannels, long outChannels, long upsample = 2) : base(nameof(ResidualBlockUpsample))
    {
        _subpelConv = Child("subpel_conv", SubPixel.Conv1x1(inChannels, outChannels, upsample));
        _conv = Child("conv", Conv(outChannels, outChannels, 3, 1, 1));
        _upsample = Child("upsample", SubPixel.Conv1x1(inChannels, outChannels, upsample));
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        Tensor output = LeakyRelu.Apply(_subpelConv.call(x), 0.01);
        output = LeakyRelu.Apply(_conv.call(output), 0.1);
        return output + _upsample.call(x);
    }
}
