namespace EVC.Stream.Model.Deterministic;

/// <summary>
/// A convolution with integer weights: 1x1 (any channels) or depthwise 3x3 with padding 1, stride 1 — the only
/// convolutions of EVC's entropy-parameter networks. Weights are quantised once, on the CPU in C#, from the float32
/// checkpoint values: per output channel c an exponent e_c (<see cref="FixedPoint.WeightExponent"/>), weights
/// <c>round(w · 2^e_c)</c> and bias <c>round(b · 2^(16 + e_c))</c> (round half to even). The input is clamped to
/// ±<see cref="InputLimit"/>, chosen so that <c>Σ|W| · limit + |B| &lt; 2^53</c> for every channel: every partial sum
/// is then an exactly represented integer, whatever order the hardware sums in. The output is requantised to 2^-16.
/// </summary>
internal sealed class FixedPointConv : IFixedPointLayer
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
