using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// Counts the multiply-adds of a network's forward pass analytically, from its module tree and the input shape (no
/// tensor is computed): a convolution costs <c>out · in/groups · kh · kw</c> per output pixel, a transposed convolution
/// the same per input pixel, a pixel shuffle and the activations nothing.
/// </summary>
/// <remarks>
/// The data flow comes from the official module tree: a <c>Sequential</c> chains its children; in any other block the
/// children chain in registration order except the shortcut branches, which the official code names <c>adaptor</c>,
/// <c>downsample</c> and <c>upsample</c> and which read the block's input (the residual additions cost no multiplies).
/// A leaf with weights of a type not listed here throws, so a new layer cannot be silently counted as free.
/// </remarks>
internal static class MultiplyAddCounter
{
    /// <summary>The multiply-adds of <paramref name="module"/> on an input of <paramref name="input"/>; <paramref name="output"/> is its output's shape.</summary>
    /// <exception cref="NotSupportedException">A layer with weights whose cost this counter does not know.</exception>
    public static long Count(nn.Module module, FeatureShape input, out FeatureShape output)
    {
        ArgumentNullException.ThrowIfNull(module);
        switch (module)
        {
            case Convolution conv:
                return Convolution(conv, input, out output);
            case PixelShuffle shuffle:
                {
                    long r = shuffle.upscale_factor;
                    output = new FeatureShape(input.Channels / (r * r), input.Height * r, input.Width * r);
                    return 0;
                }
            case PixelUnshuffle unshuffle:
                {
                    long r = unshuffle.downscale_factor;
                    output = new FeatureShape(input.Channels * r * r, input.Height / r, input.Width / r);
                    return 0;
                }
        }
        var children = module.named_children().ToList();
        if (children.Count == 0)
        {
            // Activations and other weightless element-wise layers.
            if (module.parameters(recurse: false).Any())
                throw new NotSupportedException($"no multiply-add count for a {module.GetType().Name} layer");
            output = input;
            return 0;
        }
        bool sequential = module is Sequential;
        long total = 0;
        FeatureShape current = input;
        foreach ((string name, nn.Module child) in children)
        {
            if (!sequential && name is "adaptor" or "downsample" or "upsample")
            {
                total += Count(child, input, out _);
                continue;
            }
            total += Count(child, current, out current);
        }
        output = current;
        return total;
    }

    private static long Convolution(Convolution conv, FeatureShape input, out FeatureShape output)
    {
        long[] kernel = conv.kernel_size;
        if (kernel.Length != 2)
            throw new NotSupportedException($"no multiply-add count for a {kernel.Length}-D convolution");
        if (input.Channels != conv.in_channels)
            throw new ArgumentException($"a convolution of {conv.in_channels} input channels fed {input.Channels}");
        long perPixel = conv.out_channels * (conv.in_channels / conv.groups) * kernel[0] * kernel[1];
        if (conv.transposed)
        {
            // Each input pixel scatters its kernel into the output.
            output = new FeatureShape(conv.out_channels,
                TransposedSide(input.Height, kernel[0], conv.stride[0], conv.padding?[0] ?? 0, conv.dilation[0], conv.output_padding[0]),
                TransposedSide(input.Width, kernel[1], conv.stride[1], conv.padding?[1] ?? 0, conv.dilation[1], conv.output_padding[1]));
            return perPixel * input.Height * input.Width;
        }
        output = conv.padding is null  // padding "same" (stride 1) or "valid"
            ? conv.padding_type == TorchSharp.Padding.Same
                ? new FeatureShape(conv.out_channels, input.Height, input.Width)
                : new FeatureShape(conv.out_channels, Side(input.Height, kernel[0], conv.stride[0], 0, conv.dilation[0]), Side(input.Width, kernel[1], conv.stride[1], 0, conv.dilation[1]))
            : new FeatureShape(conv.out_channels, Side(input.Height, kernel[0], conv.stride[0], conv.padding[0], conv.dilation[0]), Side(input.Width, kernel[1], conv.stride[1], conv.padding[1], conv.dilation[1]));
        return perPixel * output.Height * output.Width;
    }

    /// <summary>PyTorch's <c>Conv2d</c> output side.</summary>
    private static long Side(long input, long kernel, long stride, long padding, long dilation) =>
        (input + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;

    /// <summary>PyTorch's <c>ConvTranspose2d</c> output side.</summary>
    private static long TransposedSide(long input, long kernel, long stride, long padding, long dilation, long outputPadding) =>
        (input - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}
