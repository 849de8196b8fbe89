namespace EVC.Stream.Model.Deterministic;

/// <summary>
/// A convolution with integer weights: 1x1 (any channels) or depthwise 3x3 with padding 1, stride 1 — the only
/// convolutions of EVC's entropy-parameter networks. Weights are quantised once, on the CPU in C#, from the float32
/// checkpoint values: per output channel c an exponent e_c, weights <c>round(w · 2^e_c)</c> and bias
/// <c>round(b · 2^(F + e_c))</c> (round half to even; F = the activation fraction bits). The input is clamped to
/// ±<see cref="InputLimit"/> so that <c>Σ|W| · limit + |B|</c> stays below the arithmetic's exact limit for every
/// channel: every partial sum is then an exactly represented integer, whatever order the hardware sums in. The output
/// is requantised to 2^-F. Version 1 derives the clamp from 15-bit weights (sums below 2^53, float64); version 2 fixes
/// the clamp and gives each channel the largest exponent that keeps its sums below 2^24 (float32), with the rounding
/// offset of the requantisation folded into the bias, so that requantising is one exact multiply by 2^-e_c and a floor.
/// </summary>
internal sealed class FixedPointConv : IFixedPointLayer
{
    private readonly Tensor? _weight;       // 1x1: (O, C); depthwise: (C, 9); null where _cpuKernel holds the weights
    private readonly Tensor _bias;          // (1, O, 1, 1)
    private readonly Tensor _inverseScale;  // (1, O, 1, 1): 2^-e_c
    private readonly Tensor? _cpuKernel;  // version 2 on a CPU: (O, C, 1, 1) or (C, 1, 3, 3) for oneDNN's direct convolution
    private readonly bool _depthwise;
    private readonly FixedPointArithmetic _arithmetic;
    private readonly int _inputShift;  // version 2: activation bits − input bits

    /// <summary>Quantises a float convolution given by its weight (O, C, k, k) and bias (O).</summary>
    public FixedPointConv(Tensor weight, Tensor bias, Device device, FixedPointArithmetic? arithmetic = null, string name = "", bool innerInput = false)
    {
        Name = name;
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        _arithmetic = arithmetic ?? FixedPointArithmetic.Version1;
        long outChannels = weight.shape[0], inChannels = weight.shape[1], kernel = weight.shape[2];
        _depthwise = kernel == 3 && inChannels == 1;
        if (!_depthwise && kernel != 1)
            throw new NotSupportedException($"fixed-point convolution supports 1x1 and depthwise 3x3, not {inChannels}x{kernel}x{kernel}");
        int perChannel = (int)(inChannels * kernel * kernel);
        using Tensor weightCpu = weight.detach().to(ScalarType.Float32).cpu().contiguous();
        using Tensor biasCpu = bias.detach().to(ScalarType.Float32).cpu().contiguous();
        float[] w = weightCpu.data<float>().ToArray();
        float[] b = biasCpu.data<float>().ToArray();

        var weights = new double[w.Length];
        var biases = new double[outChannels];
        var inverseScales = new double[outChannels];
        if ((innerInput ? _arithmetic.InnerInput : _arithmetic.TrunkInput) is FixedPointInput input)
        {
            InputLimit = input.Limit;
            _inputShift = _arithmetic.ActivationBits - input.Bits;
            for (int o = 0; o < outChannels; o++)
                inverseScales[o] = Math.ScaleB(1, _inputShift - QuantiseWithinLimit(w.AsSpan(o * perChannel, perChannel), b[o],
                    weights.AsSpan(o * perChannel, perChannel), input, out biases[o]));
        }
        else
        {
            InputLimit = QuantiseVersion1(w, b, perChannel, weights, biases, inverseScales);
        }

        long[] weightShape = _depthwise ? [outChannels, 9] : [outChannels, inChannels];
        ScalarType type = _arithmetic.ElementType;
        // Version 2 on a CPU keeps its weights only in the convolution kernel below (once, not twice).
        bool cpuKernel = _arithmetic.Version >= 2 && device.type == TorchSharp.DeviceType.CPU;
        // Owned by this layer, not by whatever dispose scope is open when the model is first used.
        if (!cpuKernel)
            _weight = Owned(tensor(weights, weightShape), device, type);
        _bias = Owned(tensor(biases, new long[] { 1, outChannels, 1, 1 }), device, type);
        _inverseScale = Owned(tensor(inverseScales, new long[] { 1, outChannels, 1, 1 }), device, type);
        // On a CPU oneDNN's float32 convolution runs 2–10x faster than the float32 matmul (MKL) and float64 here
        // (bench in docs/determinism.md); it computes the same sums of products, so it is just as exact. Not on CUDA,
        // where cuDNN may use TF32 for convolutions: there the plain float32 matmul (cuBLAS, TF32 off) runs.
        if (cpuKernel)
            _cpuKernel = Owned(tensor(weights, _depthwise ? [outChannels, 1, 3, 3] : [outChannels, inChannels, 1, 1]), device, type);
    }

    /// <summary>
    /// Version 2: the largest exponent e ≤ 30 whose integers keep <c>Σ|W|·L + |B| &lt; 2^24</c> at the input's clamp L,
    /// with B = round(b·2^(Fi+e)) plus the requantisation's rounding offset 2^(r−1) when r = Fi + e − F ≥ 1 (Fi the
    /// input's fraction bits, F the activations'). Returns e.
    /// </summary>
    private int QuantiseWithinLimit(ReadOnlySpan<float> row, float bias, Span<double> weights, FixedPointInput input, out double quantisedBias)
    {
        double absSum = 0;
        foreach (float value in row)
            absSum += Math.Abs((double)value);
        double need = absSum * InputLimit + Math.Abs((double)bias) * Math.ScaleB(1, input.Bits);
        int exponent = need > 0 ? Math.Min(30, Math.ILogB(_arithmetic.ExactLimit / need) + 1) : 30;
        while (true)
        {
            double integerSum = 0;
            for (int k = 0; k < row.Length; k++)
            {
                weights[k] = Math.Round(Math.ScaleB((double)row[k], exponent), MidpointRounding.ToEven);
                integerSum += Math.Abs(weights[k]);  // integers below 2^53: exact
            }
            int shift = input.Bits + exponent - _arithmetic.ActivationBits;
            quantisedBias = Math.Round(Math.ScaleB((double)bias, input.Bits + exponent), MidpointRounding.ToEven)
                + (shift >= 1 ? Math.ScaleB(1, shift - 1) : 0);
            if (integerSum * InputLimit + Math.Abs(quantisedBias) < _arithmetic.ExactLimit)
                return exponent;
            exponent--;
        }
    }

    /// <summary>Version 1: 15-bit weights per channel; the clamp is whatever keeps every channel's sums below 2^53.</summary>
    private static double QuantiseVersion1(float[] w, float[] b, int perChannel, double[] weights, double[] biases, double[] inverseScales)
    {
        double limit = FixedPoint.ExactLimit;
        for (int o = 0; o < biases.Length; o++)
        {
            ReadOnlySpan<float> row = w.AsSpan(o * perChannel, perChannel);
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
        return Math.Min(limit, Math.ScaleB(1, 52));
    }

    private static Tensor Owned(Tensor values, Device device, ScalarType type)
    {
        using (values)
        using (Tensor typed = values.to(type, copy: true))
            return typed.to(device, copy: true).DetachFromDisposeScope();
    }

    /// <summary>The official parameter prefix (<c>y_spatial_prior.0.block.0.conv1.0</c>), for diagnostics.</summary>
    public string Name { get; }

    /// <summary>The integer of 1.0 at this convolution's input resolution.</summary>
    public double InputOne => Math.ScaleB(1.0, _arithmetic.ActivationBits - _inputShift);

    /// <summary>The input clamp (activation integers): keeps every sum of this layer exact.</summary>
    public double InputLimit { get; }

    /// <summary>Diagnostics: when set, <see cref="ClampedValues"/> counts inputs the clamp changed (costs a reduction per call).</summary>
    public bool CountClamping { get; set; }

    /// <summary>Inputs changed by the clamp since counting was switched on.</summary>
    public long ClampedValues { get; private set; }

    /// <summary>The largest input magnitude seen since counting was switched on (real units).</summary>
    public double LargestInput { get; private set; }

    /// <summary>
    /// The layer's integers, for reference kernels: weights (O·C or C·9), biases (with the rounding offset in version
    /// 2), the input shift (version 2: storage bits − input bits) and each channel's requantisation factor 2^-e.
    /// </summary>
    public (double[] Weights, double[] Biases, int InputShift, double[] InverseScales, bool Depthwise) Integers()
    {
        using Tensor weights = (_weight ?? _cpuKernel!.flatten(1)).to(ScalarType.Float64).cpu().contiguous();
        using Tensor biases = _bias.to(ScalarType.Float64).cpu().contiguous();
        using Tensor scales = _inverseScale.to(ScalarType.Float64).cpu().contiguous();
        return (weights.data<double>().ToArray(), biases.data<double>().ToArray(), _inputShift, scales.data<double>().ToArray(), _depthwise);
    }

    /// <inheritdoc />
    public IEnumerable<FixedPointConv> Convolutions => [this];

    /// <inheritdoc />
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        // Version 2 reads its input rounded to the input's resolution (exact: a power-of-two scaling, +½, floor).
        Tensor scaled = _inputShift > 0 ? x.mul(Math.ScaleB(1, -_inputShift)).add_(0.5).floor_() : x;
        if (CountClamping)
        {
            LargestInput = Math.Max(LargestInput, scaled.abs().max().to(ScalarType.Float64).item<double>() / InputOne);
            ClampedValues += scaled.abs().gt(InputLimit).sum().item<long>();
        }
        Tensor input = scaled.clamp(-InputLimit, InputLimit);
        long batch = input.shape[0], height = input.shape[2], width = input.shape[3];
        Tensor accumulator;
        if (_cpuKernel is not null)
        {
            // A direct convolution: float32 products and sums of integers whose every partial sum is below 2^24.
            accumulator = _depthwise
                ? nn.functional.conv2d(input, _cpuKernel, padding: [1, 1], groups: _cpuKernel.shape[0]).add_(_bias)
                : nn.functional.conv2d(input, _cpuKernel).add_(_bias);
        }
        else if (_depthwise)
        {
            Tensor padded = nn.functional.pad(input, new long[] { 1, 1, 1, 1 });
            accumulator = _bias.expand(batch, -1, height, width).clone();
            for (int k = 0; k < 9; k++)
            {
                Tensor tap = _weight!.select(1, k).view(1, -1, 1, 1);
                accumulator.add_(padded.narrow(2, k / 3, height).narrow(3, k % 3, width) * tap);
            }
        }
        else
        {
            accumulator = matmul(_weight!, input.flatten(2)).view(batch, -1, height, width).add_(_bias);
        }
        Tensor output = _arithmetic.Version >= 2
            ? accumulator.mul_(_inverseScale).floor_()  // the rounding offset is in the bias: exact
            : FixedPoint.Requantise(accumulator, _inverseScale);
        return output.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _weight?.Dispose();
        _bias.Dispose();
        _inverseScale.Dispose();
        _cpuKernel?.Dispose();
    }
}
