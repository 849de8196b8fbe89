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
