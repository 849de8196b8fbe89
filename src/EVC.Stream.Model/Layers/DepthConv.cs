namespace EVC.Stream.Model.Layers;

/// <summary>
/// DepthConv — EVC's efficient replacement for a 3x3 convolution (Wang et al., "EVC: Towards Real-Time Neural Image
/// Compression with Mask Decay", ICLR 2023, arXiv:2302.05071): a 1x1 convolution, a depthwise 3x3 convolution and a
/// 1x1 convolution, plus a shortcut (an adaptor convolution when the shape changes).
/// </summary>
/// <remarks>
/// The official code has two variants with the same parameter names and different activations:
/// <see cref="DepthConvVariant.Transform"/> (<c>layers.py</c>, analysis/synthesis: LeakyReLU(0.01) after each of the
/// three convolutions, each wrapped in a Sequential) and <see cref="DepthConvVariant.Prior"/> (<c>hyperprior.py</c>:
/// LeakyReLU after the first only; the depthwise and last convolutions are bare).
/// </remarks>
internal sealed class DepthConv : EvcLayer
{
    private readonly nn.Module<Tensor, Tensor> _conv1, _depthConv, _conv2;
    private readonly nn.Module<Tensor, Tensor>? _adaptor;
    private readonly DepthConvVariant _variant;

    /// <summary>Creates the block (stride 1 or 2).</summary>
    public DepthConv(long inChannels, long outChannels, DepthConvVariant variant, long depthKernel = 3, long stride = 1, double slope = 0.01)
        : base(nameof(DepthConv))
    {
        _variant = variant;
        long depthChannels = inChannels;
        _conv1 = Child("conv1", Sequential(Conv(inChannels, depthChannels, 1, stride), new LeakyRelu(slope)));
        if (variant == DepthConvVariant.Transform)
        {
            _depthConv = Child("depth_conv", Sequential(Conv(depthChannels, depthChannels, depthKernel, 1, depthKernel / 2, depthChannels), new LeakyRelu(0.01)));
            _conv2 = Child("conv2", Sequential(Conv(depthChannels, outChannels, 1), new LeakyRelu(0.01)));
        }
        else
        {
            _depthConv = Child("depth_conv", Conv(depthChannels, depthChannels, depthKernel, 1, depthKernel / 2, depthChannels));
            _conv2 = Child("conv2", Conv(depthChannels, outChannels, 1));
        }
        if (stride != 1)
            _adaptor = Child("adaptor", Conv(inChannels, outChannels, 2, 2));
        else if (inChannels != outChannels)
            _adaptor = Child("adaptor", Conv(inChannels, outChannels, 1));
    }

    /// <summary>Which official variant this block is.</summary>
    public DepthConvVariant Variant => _variant;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        Tensor identity = _adaptor is null ? x : _adaptor.call(x);
        Tensor output = _conv2.call(_depthConv.call(_conv1.call(x)));
        return output + identity;
    }
}
