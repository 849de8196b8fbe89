namespace EVC.Stream.Entropy;

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
