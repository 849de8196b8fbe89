using System.Text.RegularExpressions;

namespace EVC.Stream.Training;

/// <summary>
/// Trains with channels-last activations: NCHW shapes over NHWC memory (what PyTorch calls
/// <c>torch.channels_last</c>). oneDNN convolves such tensors in place, where plain NCHW tensors are reordered into its
/// blocked layout and back around every convolution, forward and backward — about a fifth of a training step's
/// convolution time here. Element-wise libtorch operations keep the layout, so switching once carries it through the
/// whole network.
/// </summary>
/// <remarks>
/// The switch happens at the output of each encoder's first block (<c>enc.0</c>, <c>encs.i.0</c>), not on the image:
/// libtorch 2.10's oneDNN corrupts the heap in the backward pass of that 3-channel strided convolution when its input is
/// channels-last (<c>corrupted size vs. prev_size</c>, reproduced with the block alone). Only training forwards switch:
/// in evaluation mode the layout, and with it every float sum the decoder must repeat, stays as inference has it.
///
/// Not every libtorch build convolves channels-last tensors correctly: on an AMD EPYC (AVX-512) with two threads,
/// libtorch 2.10's float32 1x1 convolution 128→512 in channels-last gave results 40 % off the NCHW ones (bf16 was
/// right), so fp32 training optimised a different network from the one inference runs — its validation fell 0.4 dB
/// in 500 steps. <see cref="AttachIfExact"/> therefore checks every convolution shape of the model, forward and
/// backward, in its number format and at the current thread count, and switches only where both layouts agree.
/// </remarks>
internal sealed partial class ChannelsLastActivations : IDisposable
{
    private readonly List<Action> _hookRemovers = [];

    private ChannelsLastActivations(EvcModel model)
    {
        foreach (var (name, module) in model.named_modules())
        {
            if (FirstEncoderBlock().IsMatch(name) && module is nn.Module<Tensor, Tensor> block)
            {
                var remover = block.register_forward_hook((self, _, output) => self.training ? ToChannelsLast(output) : output);
                _hookRemovers.Add(remover.remove);
            }
        }
    }

    /// <summary>Makes <paramref name="model"/>'s training forwards channels-last from the first encoder block on.</summary>
    public static ChannelsLastActivations Attach(EvcModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new ChannelsLastActivations(model);
    }

    /// <summary>
    /// <see cref="Attach"/> where <see cref="AgreesWithNchw"/> holds for <paramref name="model"/>, else null: the
    /// training forward then keeps NCHW, slower but the network inference runs.
    /// </summary>
    public static ChannelsLastActivations? AttachIfExact(EvcModel model) => AgreesWithNchw(model) ? Attach(model) : null;

    /// <summary>
    /// Whether libtorch, at the current thread count, convolves channels-last inputs as it does NCHW ones for every
    /// convolution shape of <paramref name="model"/> but the image-facing ones, in its own weights' type: the outputs and the gradients of input
    /// and weight agree within that type's rounding (float32: 1e-3 of the largest value, where a wrong kernel is off by
    /// tenths; bf16: 3e-2, its outputs round at 4e-3).
    /// </summary>
    public static bool AgreesWithNchw(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var seen = new HashSet<string>();
        foreach (nn.Module module in model.modules())
        {
            if (module is not TorchSharp.Modules.Conv2d conv || conv.weight is null)
                continue;
            Tensor weight = conv.weight;
            long inChannels = weight.shape[1] * conv.groups;
            if (inChannels == 3)
                continue;  // the image-facing convolutions stay NCHW (above: their channels-last backward corrupts the heap)
            string shape = $"{weight.dtype}:{inChannels}:{string.Join('x', weight.shape)}:{string.Join(',', conv.stride)}:{conv.groups}";
            if (seen.Add(shape) && !ConvolutionAgrees(conv, inChannels))
                return false;
        }
        return true;
    }

    private static bool ConvolutionAgrees(TorchSharp.Modules.Conv2d conv, long inChannels)
    {
        using var scope = NewDisposeScope();
        Tensor weight = conv.weight!;
        double tolerance = weight.dtype == ScalarType.Float32 ? 1e-3 : 3e-2;
        using var generator = new TorchSharp.torch.Generator(0x5EED);
        Tensor input = randn([2, inChannels, 16, 16], generator: generator).to(weight.dtype, weight.device);
        (Tensor Output, Tensor InputGradient, Tensor WeightGradient) Run(Tensor x)
        {
            x = x.detach().requires_grad_(true);
            Tensor output = conv.call(x);
            Tensor outputGradient = ones_like(output);
            IList<Tensor> gradients = autograd.grad([output], [x, weight], [outputGradient]);
            return (output.detach(), gradients[0], gradients[1]);
        }
        var nchw = Run(input);
        var nhwc = Run(ToChannelsLast(input));
        return Close(nchw.Output, nhwc.Output, tolerance) && Close(nchw.InputGradient, nhwc.InputGradient, tolerance)
            && Close(nchw.WeightGradient, nhwc.WeightGradient, tolerance);
    }

    private static bool Close(Tensor expected, Tensor actual, double tolerance)
    {
        Tensor e = expected.to(ScalarType.Float32), a = actual.to(ScalarType.Float32);
        double scale = Math.Max(e.abs().max().item<float>(), 1e-12);
        return (e - a).abs().max().item<float>() <= tolerance * scale;
    }

    /// <summary>Encoder blocks switched (one per encoder).</summary>
    public int Switches => _hookRemovers.Count;

    /// <summary>The same values with NHWC strides (a copy, unless already so).</summary>
    public static Tensor ToChannelsLast(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return IsChannelsLast(x) ? x : x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

    /// <summary>Whether a 4-D tensor is stored channels-last (channels innermost, then width, height, batch).</summary>
    public static bool IsChannelsLast(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 4)
            return false;
        long channels = x.shape[1], height = x.shape[2], width = x.shape[3];
        return x.stride(1) == 1 && x.stride(3) == channels && x.stride(2) == channels * width && x.stride(0) == channels * width * height;
    }

    /// <summary>Removes the switches.</summary>
    public void Dispose()
    {
        foreach (Action remove in _hookRemovers)
            remove();
        _hookRemovers.Clear();
    }

    [GeneratedRegex(@"^(enc|encs\.\d+)\.0$")]
    private static partial Regex FirstEncoderBlock();
}
