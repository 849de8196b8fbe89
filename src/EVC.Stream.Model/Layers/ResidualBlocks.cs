using static TorchSharp.torch;

namespace EVC.Stream.Model.Layers;

/// <summary>3x3 sub-pixel convolution helpers of the official <c>layers.py</c>.</summary>
internal static class SubPixel
{
    /// <summary><c>subpel_conv1x1</c>: a 1x1 convolution to <c>out·r²</c> channels, then a pixel shuffle.</summary>
    public static nn.Module<Tensor, Tensor> Conv1x1(long inChannels, long outChannels, long r) =>
        EvcLayer.Sequential(EvcLayer.Conv(inChannels, outChannels * r * r, 1), nn.PixelShuffle(r));
}

/// <summary>Official <c>ResidualBlockWithStride</c>: a strided 3x3 convolution pair with a strided 1x1 shortcut.</summary>
public sealed class ResidualBlockWithStride : EvcLayer
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
        Tensor output = nn.functional.leaky_relu(_conv1.call(x), 0.01, inplace: true);
        output = nn.functional.leaky_relu(_conv2.call(output), 0.1, inplace: true);
        return output + _downsample.call(x);
    }
}

/// <summary>Official <c>ResidualBlockUpsample</c>: sub-pixel upsampling with a sub-pixel shortcut.</summary>
public sealed class ResidualBlockUpsample : EvcLayer
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
        Tensor output = nn.functional.leaky_relu(_subpelConv.call(x), 0.01, inplace: true);
        output = nn.functional.leaky_relu(_conv.call(output), 0.1, inplace: true);
        return output + _upsample.call(x);
    }
}
