namespace EVC.Stream.Entropy;

/// <summary>
/// Per-channel parameters of the official factorized bit estimator (<c>BitEstimator</c>):
/// <c>f1..f3</c> have <c>h, b, a</c>, <c>f4</c> has <c>h, b</c>; each array holds one value per channel
/// (the checkpoint tensors <c>bit_estimator_z.f{k}.{h,b,a}</c> of shape (1, C, 1, 1), flattened).
/// </summary>
internal sealed class FactorizedParameters
{
    private readonly float[][] _h;
    private readonly float[][] _b;
    private readonly float[][] _a;

    public FactorizedParameters(
        float[] f1H, float[] f1B, float[] f1A,
        float[] f2H, float[] f2B, float[] f2A,
        float[] f3H, float[] f3B, float[] f3A,
        float[] f4H, float[] f4B)
    {
        _h = [Check(f1H), Check(f2H), Check(f3H), Check(f4H)];
        _b = [Check(f1B), Check(f2B), Check(f3B), Check(f4B)];
        _a = [Check(f1A), Check(f2A), Check(f3A)];
        Channels = f1H.Length;
        foreach (float[] p in _h)
        {
            CheckLength(p, Channels);
        }

        foreach (float[] p in _b)
        {
            CheckLength(p, Channels);
        }

        foreach (float[] p in _a)
        {
            CheckLength(p, Channels);
        }
    }

    /// <summary>Number of channels.</summary>
    public int Channels { get; }

    /// <summary><c>h</c> of layer <paramref name="layer"/> (0..3) for one channel.</summary>
    public float H(int layer, int channel) => _h[layer][channel];

    /// <summary><c>b</c> of layer <paramref name="layer"/> (0..3) for one channel.</summary>
    public float B(int layer, int channel) => _b[layer][channel];

    /// <summary><c>a</c> of layer <paramref name="layer"/> (0..2) for one channel.</summary>
    public float A(int layer, int channel) => _a[layer][channel];

    private static float[] Check(float[] p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p;
    }

    private static void CheckLength(float[] p, int channels)
    {
        if (p.Length != channels)
        {
            throw new ArgumentException("All bit-estimator parameters must have one value per channel.");
        }
    }
}

/// <summary>
/// The float32 inputs of the factorized z table quantiser, as the official
/// <c>BitEstimator.update(force=True)</c> computes them.
/// </summary>
internal sealed class FactorizedPmfTable
{
    private readonly int[] _minima;
    private readonly int[] _maxima;
    private readonly float[] _pmf;
    private readonly float[] _tailMass;

    public FactorizedPmfTable(int[] minima, int[] maxima, int maxLength, float[] pmf, float[] tailMass)
    {
        ArgumentNullException.ThrowIfNull(minima);
        ArgumentNullException.ThrowIfNull(maxima);
        ArgumentNullException.ThrowIfNull(pmf);
        ArgumentNullException.ThrowIfNull(tailMass);
        _minima = minima;
        _maxima = maxima;
        MaxLength = maxLength;
        _pmf = pmf;
        _tailMass = tailMass;
    }

    /// <summary>Number of channels (rows).</summary>
    public int Channels => _minima.Length;

    /// <summary>The largest pmf length over all channels; the row width of <see cref="PmfMatrix"/>.</summary>
    public int MaxLength { get; }

    /// <summary>Smallest i in 2..50 with F(-i) &lt; 1e-4, else 50.</summary>
    public int Minima(int channel) => _minima[channel];

    /// <summary>Smallest i in 2..50 with F(i) &gt; 0.9999, else 50.</summary>
    public int Maxima(int channel) => _maxima[channel];

    /// <summary><c>-minima</c>.</summary>
    public int Offset(int channel) => -_minima[channel];

    /// <summary><c>minima + maxima + 1</c>.</summary>
    public int PmfLength(int channel) => _minima[channel] + _maxima[channel] + 1;

    /// <summary>
    /// <c>F(-minima - 0.5) + (1 - F((MaxLength - 1 - minima) + 0.5))</c>: the upper tail is taken at the
    /// last sample of the global <see cref="MaxLength"/>, as in the official code.
    /// </summary>
    public float TailMass(int channel) => _tailMass[channel];

    /// <summary>The used part of one channel's pmf (<see cref="PmfLength"/> values).</summary>
    public ReadOnlySpan<float> Pmf(int channel) =>
        _pmf.AsSpan(channel * MaxLength, PmfLength(channel));

    /// <summary>
    /// The full pmf matrix, <see cref="Channels"/> x <see cref="MaxLength"/>, row-major (the official
    /// <c>pmf</c> tensor, including the values past each channel's length).
    /// </summary>
    public ReadOnlySpan<float> PmfMatrix => _pmf;

    /// <summary>
    /// The quantiser inputs per channel: the used pmf (<see cref="PmfLength"/> floats), the tail mass and
    /// the offset <c>-minima</c>.
    /// </summary>
    public (float[][] Pmfs, float[] TailMasses, int[] Offsets) ToQuantizerInputs()
    {
        var pmfs = new float[Channels][];
        var offsets = new int[Channels];
        for (int c = 0; c < Channels; c++)
        {
            pmfs[c] = Pmf(c).ToArray();
            offsets[c] = Offset(c);
        }

        return (pmfs, (float[])_tailMass.Clone(), offsets);
    }
}

/// <summary>
/// The official factorized (z) entropy table inputs, computed bit for bit as PyTorch 1.13 (CPU, AVX2)
/// does in float32.
/// </summary>
internal static class FactorizedPmf
{
    /// <summary>Largest minima/maxima; also their default.</summary>
    public const int MaxBound = 50;

    private const float LowThreshold = (float)0.0001;
    private const float HighThreshold = (float)0.9999;

    /// <summary>
    /// <c>BitEstimator.get_cdf(x)</c> for one channel: <c>sigmoid(f4(f3(f2(f1(x)))))</c> with
    /// <c>f_k(x) = x * softplus(h) + b</c>, then <c>x + tanh(x) * tanh(a)</c> for k = 1..3.
    /// Every torch op rounds to float32 on its own.
    /// </summary>
    public static float Cdf(FactorizedParameters parameters, int channel, float x)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        for (int layer = 0; layer < 3; layer++)
        {
            x *= TorchFloat32.Softplus(parameters.H(layer, channel));
            x += parameters.B(layer, channel);
            x += TorchFloat32.Tanh(x) * TorchFloat32.Tanh(parameters.A(layer, channel));
        }

        x *= TorchFloat32.Softplus(parameters.H(3, channel));
        x += parameters.B(3, channel);
        return TorchFloat32.Sigmoid(x);
    }

    /// <summary>Runs the official <c>BitEstimator.update</c> up to the quantiser.</summary>
    public static FactorizedPmfTable Build(FactorizedParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int channels = parameters.Channels;
        var minima = new int[channels];
        var maxima = new int[channels];
        int maxLength = 0;

        for (int c = 0; c < channels; c++)
        {
            // Loops run i = 50 down to 2 and keep overwriting: the smallest qualifying i wins.
            minima[c] = MaxBound;
            for (int i = MaxBound; i > 1; i--)
            {
                if (Cdf(parameters, c, 0f - i) < LowThreshold)
                {
                    minima[c] = i;
                }
            }

            maxima[c] = MaxBound;
            for (int i = MaxBound; i > 1; i--)
            {
                if (Cdf(parameters, c, 0f + i) > HighThreshold)
                {
                    maxima[c] = i;
                }
            }

            maxLength = Math.Max(maxLength, minima[c] + maxima[c] + 1);
        }

        var pmf = new float[channels * maxLength];
        var tail = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            // samples = arange(max_length) + (medians - minima), in float32.
            float start = 0f - minima[c];
            float firstLower = 0f;
            float lastUpper = 0f;
            for (int k = 0; k < maxLength; k++)
            {
                float sample = k + start;
                float lower = Cdf(parameters, c, sample - 0.5f);
                float upper = Cdf(parameters, c, sample + 0.5f);
                pmf[(c * maxLength) + k] = upper - lower;
                if (k == 0)
                {
                    firstLower = lower;
                }

                if (k == maxLength - 1)
                {
                    lastUpper = upper;
                }
            }

            // tail_mass = lower[:, 0, :1] + (1.0 - upper[:, 0, -1:])
            tail[c] = firstLower + (1f - lastUpper);
        }

        return new FactorizedPmfTable(minima, maxima, maxLength, pmf, tail);
    }
}
