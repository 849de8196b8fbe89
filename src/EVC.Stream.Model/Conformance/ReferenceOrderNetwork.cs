using System.Buffers;
using TorchSharp;

namespace EVC.Stream.Model.Conformance;

/// <summary>
/// An official <c>nn.Sequential</c> of prior-variant <c>DepthConvBlock</c>s / <c>DepthConvBlockUpsample</c>s
/// (<c>hyper_dec</c>, <c>y_prior_fusion</c>, <c>y_spatial_prior</c>) evaluated with <see cref="ReferenceOrderKernels"/>:
/// bit-identical to the official implementation's float32 CPU results, on any machine, thread count or batch size.
/// The entropy coder's CDF choice depends only on these networks, so official <c>.bin</c> files decode without the
/// index flips a different BLAS would cause. The weights are copied once from the model's parameters.
/// </summary>
internal sealed class ReferenceOrderNetwork : nn.Module<Tensor, Tensor>
{
    private readonly Block[] _blocks;

    /// <summary>Reads the <paramref name="count"/> blocks <c>prefix.0.</c> … from a state dict.</summary>
    public ReferenceOrderNetwork(IReadOnlyDictionary<string, Tensor> state, string prefix, int count) : base("reference_order_" + prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        _blocks = new Block[count];
        for (int i = 0; i < count; i++)
            _blocks[i] = new Block(state, $"{prefix}.{i}.");
    }

    /// <summary>Worker threads for the convolutions (results do not depend on it); defaults to libtorch's setting.</summary>
    public int Threads { get; set; }

    /// <summary>Runs the network on a float32 (B, C, H, W) tensor; the result is on the input's device.</summary>
    public override Tensor forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.shape[0] == 0)
            throw new ArgumentException("empty batch", nameof(input));
        int threads = Threads > 0 ? Threads : Math.Max(1, get_num_threads());
        using var scope = NewDisposeScope();  // the detach/convert/copy temporaries
        Tensor cpu = input.detach().to(ScalarType.Float32).cpu().contiguous();
        int batch = (int)cpu.shape[0], channels = (int)cpu.shape[1], height = (int)cpu.shape[2], width = (int)cpu.shape[3];
        float[]? output = null;
        int outChannels = 0, outHeight = 0, outWidth = 0;
        for (int b = 0; b < batch; b++)
        {
            var activation = Activation.Rent(channels, height, width);
            // Straight from libtorch's CPU memory into the pooled buffer: no intermediate array.
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(cpu.bytes).Slice(b * activation.Length, activation.Length).CopyTo(activation.Data);
            foreach (Block block in _blocks)
                activation = block.Forward(activation, threads);
            if (output is null)
            {
                (outChannels, outHeight, outWidth) = (activation.Channels, activation.Height, activation.Width);
                output = new float[batch * activation.Length];
            }
            activation.Data.AsSpan(0, activation.Length).CopyTo(output.AsSpan(b * activation.Length));
            activation.Return();
        }
        Tensor result = tensor(output!, new long[] { batch, outChannels, outHeight, outWidth });
        if (input.device.type != DeviceType.CPU)
            result = result.to(input.device);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>A (C, H, W) float32 activation in a pooled buffer.</summary>
    private readonly record struct Activation(float[] Data, int Channels, int Height, int Width)
    {
        public int Plane => Height * Width;

        public int Length => Channels * Height * Width;

        public static Activation Rent(int channels, int height, int width) =>
            new(ArrayPool<float>.Shared.Rent(channels * height * width), channels, height, width);

        public void Return() => ArrayPool<float>.Shared.Return(Data);
    }

    private sealed class PointwiseConv
    {
        private readonly PointwiseWeights _weights;
        private readonly int _in, _out;

        public PointwiseConv(IReadOnlyDictionary<string, Tensor> state, string prefix)
        {
            (float[] weight, long[] shape) = Read(state, prefix + "weight");
            (float[] bias, _) = Read(state, prefix + "bias");
            if (shape.Length != 4 || shape[2] != 1 || shape[3] != 1)
                throw new NotSupportedException($"{prefix}weight: expected a 1x1 convolution, got [{string.Join(", ", shape)}]");
            (_out, _in) = ((int)shape[0], (int)shape[1]);
            _weights = new PointwiseWeights(weight, bias, _out, _in);
        }

        public Activation Forward(Activation x, int threads)
        {
            if (x.Channels != _in)
                throw new ArgumentException($"expected {_in} channels, got {x.Channels}");
            Activation y = Activation.Rent(_out, x.Height, x.Width);
            int plane = x.Plane;
            // Split whole 24-pixel strips over the workers; small layers are not worth the hand-off.
            int strips = (plane + 23) / 24;
            int workers = (long)_out * _in * plane < 4_000_000 ? 1 : Math.Min(threads, strips);
            if (workers <= 1)
            {
                ReferenceOrderKernels.Pointwise(x.Data, plane, _weights, y.Data, 0, plane);
                return y;
            }
            int stripsPerWorker = (strips + workers - 1) / workers;
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
            {
                int first = Math.Min(plane, worker * stripsPerWorker * 24);
                int end = Math.Min(plane, first + stripsPerWorker * 24);
                ReferenceOrderKernels.Pointwise(x.Data, plane, _weights, y.Data, first, end);
            });
            return y;
        }
    }

    private sealed class DepthwiseConv
    {
        private readonly float[] _weight, _bias;
        private readonly int _channels;

        public DepthwiseConv(IReadOnlyDictionary<string, Tensor> state, string prefix)
        {
            (_weight, long[] shape) = Read(state, prefix + "weight");
            (_bias, _) = Read(state, prefix + "bias");
            if (shape.Length != 4 || shape[1] != 1 || shape[2] != 3 || shape[3] != 3)
                throw new NotSupportedException($"{prefix}weight: expected a depthwise 3x3 convolution, got [{string.Join(", ", shape)}]");
            _channels = (int)shape[0];
        }

        public Activation Forward(Activation x, int threads)
        {
            if (x.Channels != _channels)
                throw new ArgumentException($"expected {_channels} channels, got {x.Channels}");
            Activation y = Activation.Rent(_channels, x.Height, x.Width);
            int plane = x.Plane;
            // Tiny planes (the hyper decoder's first blocks) are not worth a hand-off to other threads.
            int workers = (long)_channels * plane < 65_536 ? 1 : Math.Min(threads, _channels);
            int perWorker = (_channels + workers - 1) / workers;
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
            {
                int first = Math.Min(_channels, worker * perWorker), count = Math.Min(_channels, first + perWorker) - first;
                ReferenceOrderKernels.Depthwise3x3(x.Data.AsSpan(first * plane, count * plane), count, x.Height, x.Width,
                    _weight.AsSpan(first * 9, count * 9), _bias.AsSpan(first, count), y.Data.AsSpan(first * plane, count * plane));
            });
            return y;
        }
    }

    /// <summary>DepthConvBlock (prior variant): DepthConv, ConvFFN, and for the upsampling block a 1x1 conv and a pixel shuffle.</summary>
    private sealed class Block
    {
        private readonly PointwiseConv _conv1, _conv2, _ffnExpand, _ffnProject;
        private readonly PointwiseConv? _adaptor, _upsample;
        private readonly DepthwiseConv _depthConv;

        public Block(IReadOnlyDictionary<string, Tensor> state, string prefix)
        {
            _conv1 = new PointwiseConv(state, prefix + "block.0.conv1.0.");
            _depthConv = new DepthwiseConv(state, prefix + "block.0.depth_conv.");
            _conv2 = new PointwiseConv(state, prefix + "block.0.conv2.");
            if (state.ContainsKey(prefix + "block.0.adaptor.weight"))
                _adaptor = new PointwiseConv(state, prefix + "block.0.adaptor.");
            _ffnExpand = new PointwiseConv(state, prefix + "block.1.conv.0.");
            _ffnProject = new PointwiseConv(state, prefix + "block.1.conv.2.");
            if (state.ContainsKey(prefix + "block.2.weight"))
                _upsample = new PointwiseConv(state, prefix + "block.2.");
        }

        public Activation Forward(Activation x, int threads)
        {
            // DepthConv: conv2(depth_conv(lrelu(conv1(x), 0.01))) + (adaptor(x) or x)
            Activation inner = _conv1.Forward(x, threads);
            ReferenceOrderKernels.LeakyRelu(inner.Data.AsSpan(0, inner.Length), 0.01f);
            Activation depth = _depthConv.Forward(inner, threads);
            inner.Return();
            Activation output = _conv2.Forward(depth, threads);
            depth.Return();
            if (_adaptor is null)
            {
                ReferenceOrderKernels.Add(output.Data.AsSpan(0, output.Length), x.Data);
            }
            else
            {
                Activation identity = _adaptor.Forward(x, threads);
                ReferenceOrderKernels.Add(output.Data.AsSpan(0, output.Length), identity.Data);
                identity.Return();
            }
            x.Return();

            // ConvFFN: x + lrelu(conv.2(lrelu(conv.0(x), 0.1)), 0.1)
            Activation expanded = _ffnExpand.Forward(output, threads);
            ReferenceOrderKernels.LeakyRelu(expanded.Data.AsSpan(0, expanded.Length), 0.1f);
            Activation projected = _ffnProject.Forward(expanded, threads);
            expanded.Return();
            ReferenceOrderKernels.LeakyRelu(projected.Data.AsSpan(0, projected.Length), 0.1f);
            ReferenceOrderKernels.Add(projected.Data.AsSpan(0, projected.Length), output.Data);
            output.Return();
            if (_upsample is null)
                return projected;

            Activation wide = _upsample.Forward(projected, threads);
            projected.Return();
            Activation shuffled = PixelShuffle2(wide);
            wide.Return();
            return shuffled;
        }

        /// <summary>PixelShuffle(2): out[c, 2h+i, 2w+j] = in[4c + 2i + j, h, w] (a permutation: exact).</summary>
        private static Activation PixelShuffle2(Activation x)
        {
            int channels = x.Channels / 4, height = x.Height, width = x.Width;
            Activation y = Activation.Rent(channels, height * 2, width * 2);
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 2; j++)
                    {
                        ReadOnlySpan<float> source = x.Data.AsSpan(((c * 4) + (i * 2) + j) * x.Plane, x.Plane);
                        Span<float> target = y.Data.AsSpan(c * y.Plane, y.Plane);
                        for (int h = 0; h < height; h++)
                            for (int w = 0; w < width; w++)
                                target[((2 * h) + i) * (2 * width) + (2 * w) + j] = source[h * width + w];
                    }
            return y;
        }
    }

    private static (float[] Values, long[] Shape) Read(IReadOnlyDictionary<string, Tensor> state, string key)
    {
        if (!state.TryGetValue(key, out Tensor? value))
            throw new KeyNotFoundException($"state dict has no '{key}'");
        using Tensor cpu = value.detach().to(ScalarType.Float32).cpu().contiguous();
        return (cpu.data<float>().ToArray(), cpu.shape);
    }
}
