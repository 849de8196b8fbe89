using static TorchSharp.torch;

namespace EVC.Stream.Model.Deterministic;

/// <summary>A layer on fixed-point activations (see <see cref="FixedPoint"/>).</summary>
public interface IFixedPointLayer : IDisposable
{
    /// <summary>Maps activation integers (float64) to activation integers.</summary>
    Tensor Forward(Tensor x);

    /// <summary>The convolutions inside, for diagnostics.</summary>
    IEnumerable<FixedPointConv> Convolutions { get; }
}

/// <summary>
/// A convolution with integer weights: 1x1 (any channels) or depthwise 3x3 with padding 1, stride 1 — the only
/// convolutions of EVC's entropy-parameter networks. Weights are quantised once, on the CPU in C#, from the float32
/// checkpoint values: per output channel c an exponent e_c (<see cref="FixedPoint.WeightExponent"/>), weights
/// <c>round(w · 2^e_c)</c> and bias <c>round(b · 2^(16 + e_c))</c> (round half to even). The input is clamped to
/// ±<see cref="InputLimit"/>, chosen so that <c>Σ|W| · limit + |B| &lt; 2^53</c> for every channel: every partial sum
/// is then an exactly represented integer, whatever order the hardware sums in. The output is requantised to 2^-16.
/// </summary>
public sealed class FixedPointConv : IFixedPointLayer
{
    private readonly Tensor _weight;        // 1x1: (O, C); depthwise: (C, 9)
    private readonly Tensor _bias;          // (1, O, 1, 1)
    private readonly Tensor _inverseScale;  // (1, O, 1, 1): 2^-e_c
    private readonly bool _depthwise;

    /// <summary>Quantises a float convolution given by its weight (O, C, k, k) and bias (O).</summary>
    public FixedPointConv(Tensor weight, Tensor bias, Device device)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        long outChannels = weight.shape[0], inChannels = weight.shape[1], kernel = weight.shape[2];
        _depthwise = kernel == 3 && inChannels == 1;
        if (!_depthwise && kernel != 1)
            throw new NotSupportedException($"fixed-point convolution supports 1x1 and depthwise 3x3, not {inChannels}x{kernel}x{kernel}");
        int perChannel = (int)(inChannels * kernel * kernel);
        using Tensor weightCpu = weight.detach().to(ScalarType.Float32).cpu().contiguous();
        using Tensor biasCpu = bias.detach().to(ScalarType.Float32).cpu().contiguous();
        ReadOnlySpan<float> w = weightCpu.data<float>().ToArray();
        ReadOnlySpan<float> b = biasCpu.data<float>().ToArray();

        var weights = new double[w.Length];
        var biases = new double[outChannels];
        var inverseScales = new double[outChannels];
        double limit = FixedPoint.ExactLimit;
        for (int o = 0; o < outChannels; o++)
        {
            ReadOnlySpan<float> row = w.Slice(o * perChannel, perChannel);
            double maxAbs = 0;
            foreach (float value in row)
                maxAbs = Math.Max(maxAbs, Math.Abs((double)value));
            int exponent = FixedPoint.WeightExponent(maxAbs);
            // Keep the bias integer well inside the exact range.
            while (exponent > -64 && Math.Abs(Math.ScaleB((double)b[o], FixedPoint.ActivationBits + exponent)) >= Math.ScaleB(1, 50))
                exponent--;
            double absSum = 0;
            for (int k = 0; k < perChannel; k++)
            {
                double quantised = Math.Round(Math.ScaleB((double)row[k], exponent), MidpointRounding.ToEven);
                weights[o * perChannel + k] = quantised;
                absSum += Math.Abs(quantised);  // integers below 2^53: exact
            }
            biases[o] = Math.Round(Math.ScaleB((double)b[o], FixedPoint.ActivationBits + exponent), MidpointRounding.ToEven);
            inverseScales[o] = Math.ScaleB(1, -exponent);
            if (absSum > 0)
                limit = Math.Min(limit, Math.Floor((FixedPoint.ExactLimit - Math.Abs(biases[o])) / absSum * (1 - 1e-9)));
        }
        InputLimit = Math.Min(limit, Math.ScaleB(1, 52));

        long[] weightShape = _depthwise ? [outChannels, 9] : [outChannels, inChannels];
        // Owned by this layer, not by whatever dispose scope is open when the model is first used.
        _weight = Owned(tensor(weights, weightShape), device);
        _bias = Owned(tensor(biases, new long[] { 1, outChannels, 1, 1 }), device);
        _inverseScale = Owned(tensor(inverseScales, new long[] { 1, outChannels, 1, 1 }), device);
    }

    private static Tensor Owned(Tensor values, Device device)
    {
        using (values)
            return values.to(device, copy: true).DetachFromDisposeScope();
    }

    /// <summary>The input clamp (activation integers): keeps every sum of this layer exact.</summary>
    public double InputLimit { get; }

    /// <summary>Diagnostics: when set, <see cref="ClampedValues"/> counts inputs the clamp changed (costs a reduction per call).</summary>
    public bool CountClamping { get; set; }

    /// <summary>Inputs changed by the clamp since counting was switched on.</summary>
    public long ClampedValues { get; private set; }

    /// <summary>The largest input magnitude seen since counting was switched on (activation integers).</summary>
    public double LargestInput { get; private set; }

    /// <inheritdoc />
    public IEnumerable<FixedPointConv> Convolutions => [this];

    /// <inheritdoc />
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        Tensor input = x.clamp(-InputLimit, InputLimit);
        if (CountClamping)
        {
            LargestInput = Math.Max(LargestInput, x.abs().max().to(ScalarType.Float64).item<double>());
            ClampedValues += x.abs().gt(InputLimit).sum().item<long>();
        }
        long batch = input.shape[0], height = input.shape[2], width = input.shape[3];
        Tensor accumulator;
        if (_depthwise)
        {
            Tensor padded = nn.functional.pad(input, new long[] { 1, 1, 1, 1 });
            accumulator = _bias.expand(batch, -1, height, width).clone();
            for (int k = 0; k < 9; k++)
            {
                Tensor tap = _weight.select(1, k).view(1, -1, 1, 1);
                accumulator.add_(padded.narrow(2, k / 3, height).narrow(3, k % 3, width) * tap);
            }
        }
        else
        {
            accumulator = matmul(_weight, input.flatten(2)).view(batch, -1, height, width).add_(_bias);
        }
        return FixedPoint.Requantise(accumulator, _inverseScale).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _weight.Dispose();
        _bias.Dispose();
        _inverseScale.Dispose();
    }
}

/// <summary>Official prior-variant <c>DepthConv</c> on fixed point: 1x1, LeakyReLU(0.01), depthwise 3x3, 1x1, plus shortcut.</summary>
public sealed class FixedPointDepthConv : IFixedPointLayer
{
    private readonly FixedPointConv _conv1, _depthConv, _conv2;
    private readonly FixedPointConv? _adaptor;

    /// <summary>Quantises the block whose parameters start with <paramref name="prefix"/>.</summary>
    public FixedPointDepthConv(IReadOnlyDictionary<string, Tensor> state, string prefix, Device device)
    {
        ArgumentNullException.ThrowIfNull(state);
        _conv1 = Conv(state, prefix + "conv1.0.", device);
        _depthConv = Conv(state, prefix + "depth_conv.", device);
        _conv2 = Conv(state, prefix + "conv2.", device);
        if (state.ContainsKey(prefix + "adaptor.weight"))
            _adaptor = Conv(state, prefix + "adaptor.", device);
    }

    /// <inheritdoc />
    public IEnumerable<FixedPointConv> Convolutions => _adaptor is null ? [_conv1, _depthConv, _conv2] : [_conv1, _depthConv, _conv2, _adaptor];

    internal static FixedPointConv Conv(IReadOnlyDictionary<string, Tensor> state, string prefix, Device device) =>
        new(state[prefix + "weight"], state[prefix + "bias"], device);

    /// <inheritdoc />
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor identity = _adaptor is null ? x : _adaptor.Forward(x);
        Tensor output = _conv2.Forward(_depthConv.Forward(FixedPoint.LeakyRelu(_conv1.Forward(x), 0.01)));
        return output.add_(identity).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _conv1.Dispose();
        _depthConv.Dispose();
        _conv2.Dispose();
        _adaptor?.Dispose();
    }
}

/// <summary>Official prior-variant <c>ConvFFN</c> on fixed point: <c>x + lrelu(1x1(lrelu(1x1(x), 0.1)), 0.1)</c>.</summary>
public sealed class FixedPointConvFFN : IFixedPointLayer
{
    private readonly FixedPointConv _expand, _project;

    /// <summary>Quantises the block whose parameters start with <paramref name="prefix"/>.</summary>
    public FixedPointConvFFN(IReadOnlyDictionary<string, Tensor> state, string prefix, Device device)
    {
        _expand = FixedPointDepthConv.Conv(state, prefix + "conv.0.", device);
        _project = FixedPointDepthConv.Conv(state, prefix + "conv.2.", device);
    }

    /// <inheritdoc />
    public IEnumerable<FixedPointConv> Convolutions => [_expand, _project];

    /// <inheritdoc />
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor inner = FixedPoint.LeakyRelu(_expand.Forward(x), 0.1);
        return FixedPoint.LeakyRelu(_project.Forward(inner), 0.1).add_(x).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _expand.Dispose();
        _project.Dispose();
    }
}

/// <summary>
/// Official <c>DepthConvBlock</c> (prior variant) and <c>DepthConvBlockUpsample</c> on fixed point: DepthConv, ConvFFN,
/// and for the upsampling block a 1x1 convolution and a pixel shuffle (a permutation: exact).
/// </summary>
public sealed class FixedPointDepthConvBlock : IFixedPointLayer
{
    private readonly FixedPointDepthConv _depthConv;
    private readonly FixedPointConvFFN _ffn;
    private readonly FixedPointConv? _upsample;

    /// <summary>Quantises the block whose parameters start with <paramref name="prefix"/>.</summary>
    public FixedPointDepthConvBlock(IReadOnlyDictionary<string, Tensor> state, string prefix, Device device)
    {
        ArgumentNullException.ThrowIfNull(state);
        _depthConv = new FixedPointDepthConv(state, prefix + "block.0.", device);
        _ffn = new FixedPointConvFFN(state, prefix + "block.1.", device);
        if (state.ContainsKey(prefix + "block.2.weight"))
            _upsample = FixedPointDepthConv.Conv(state, prefix + "block.2.", device);
    }

    /// <inheritdoc />
    public IEnumerable<FixedPointConv> Convolutions =>
        _upsample is null ? [.. _depthConv.Convolutions, .. _ffn.Convolutions] : [.. _depthConv.Convolutions, .. _ffn.Convolutions, _upsample];

    /// <inheritdoc />
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor output = _ffn.Forward(_depthConv.Forward(x));
        if (_upsample is not null)
            output = nn.functional.pixel_shuffle(_upsample.Forward(output), 2);
        return output.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _depthConv.Dispose();
        _ffn.Dispose();
        _upsample?.Dispose();
    }
}

/// <summary>A sequence of fixed-point blocks (an official <c>nn.Sequential</c> of DepthConvBlocks).</summary>
public sealed class FixedPointSequence : IFixedPointLayer
{
    private readonly IFixedPointLayer[] _layers;

    /// <summary>Quantises the <paramref name="count"/> blocks <c>prefix.0.</c> … of an official Sequential.</summary>
    public FixedPointSequence(IReadOnlyDictionary<string, Tensor> state, string prefix, int count, Device device)
    {
        _layers = new IFixedPointLayer[count];
        for (int i = 0; i < count; i++)
            _layers[i] = new FixedPointDepthConvBlock(state, $"{prefix}.{i}.", device);
    }

    /// <inheritdoc />
    public IEnumerable<FixedPointConv> Convolutions
    {
        get
        {
            foreach (IFixedPointLayer layer in _layers)
                foreach (FixedPointConv conv in layer.Convolutions)
                    yield return conv;
        }
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor output = x;
        foreach (IFixedPointLayer layer in _layers)
            output = layer.Forward(output);
        return output.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (IFixedPointLayer layer in _layers)
            layer.Dispose();
    }
}
