namespace EVC.Stream.Entropy;

/// <summary>
/// One row of the official Gaussian table: the float32 pmf and tail mass that the official
/// <c>GaussianEncoder.update</c> hands to the quantiser for one scale.
/// </summary>
internal sealed class GaussianPmfRow
{
    private readonly float[] _pmf;

    public GaussianPmfRow(float scale, int center, float[] pmf, float tailMass)
    {
        ArgumentNullException.ThrowIfNull(pmf);
        Scale = scale;
        Center = center;
        _pmf = pmf;
        TailMass = tailMass;
    }

    /// <summary>The scale of this row (an entry of the scale table).</summary>
    public float Scale { get; }

    /// <summary>Smallest i in 2..50 with Φ(i) &gt; 0.9999, or 50.</summary>
    public int Center { get; }

    /// <summary><c>2 * Center + 1</c>.</summary>
    public int PmfLength => _pmf.Length;

    /// <summary><c>-Center</c>, the symbol offset of the row.</summary>
    public int Offset => -Center;

    /// <summary><c>2 * Φ(-Center - 0.5)</c>.</summary>
    public float TailMass { get; }

    /// <summary><c>pmf[k] = Φ(k - Center + 0.5) - Φ(k - Center - 0.5)</c>, k = 0..PmfLength-1.</summary>
    public ReadOnlySpan<float> Pmf => _pmf;

    /// <summary>A fresh copy of <see cref="Pmf"/>.</summary>
    public float[] ToPmfArray() => (float[])_pmf.Clone();
}
