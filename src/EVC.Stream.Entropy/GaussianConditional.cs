namespace EVC.Stream.Entropy;

/// <summary>
/// The Gaussian conditional entropy model of EVC (<c>GaussianEncoder</c>): 256 zero-mean Gaussians with scales
/// <c>exp(linspace(ln 0.11, ln 64, 256))</c>, each quantised with the official quantiser, and the rule that maps a
/// predicted scale to its row. Computed here, bit for bit as PyTorch 1.13 computes them in float32 on the CPU,
/// so the table equals the official one exactly and needs no model or torch.
/// </summary>
public static class GaussianConditional
{
    /// <summary>Number of scales (rows) in the table.</summary>
    public const int ScaleLevels = GaussianPmf.ScaleLevels;

    private static readonly float[] s_scaleTable = GaussianPmf.OfficialScaleTable();
    private static readonly Lazy<CdfTable> s_table = new(BuildTable);

    /// <summary>The official scale table (float32).</summary>
    public static ReadOnlySpan<float> ScaleTable => s_scaleTable;

    /// <summary>The official Gaussian CDF table, built once and shared.</summary>
    public static CdfTable Table => s_table.Value;

    /// <summary>
    /// The official scale-to-row rule: <c>int(clamp((ln(max(scale, 1e-5)) - ln 0.11) / step, 0, 255))</c>,
    /// evaluated in float32 exactly as the official code evaluates it.
    /// </summary>
    public static byte ScaleToIndex(float scale) => (byte)GaussianPmf.ScaleToIndex(scale);

    /// <summary>Applies <see cref="ScaleToIndex"/> to every scale.</summary>
    public static void ScalesToIndexes(ReadOnlySpan<float> scales, Span<byte> indexes)
    {
        if (indexes.Length < scales.Length)
            throw new ArgumentException($"{scales.Length} scales need as many indexes; the destination holds {indexes.Length}.", nameof(indexes));
        for (int i = 0; i < scales.Length; i++)
            indexes[i] = (byte)GaussianPmf.ScaleToIndex(scales[i]);
    }

    /// <summary>Builds the table from scratch (normally use the shared <see cref="Table"/>).</summary>
    public static CdfTable BuildTable()
    {
        (float[][] pmfs, float[] tails, int[] offsets) = GaussianPmf.OfficialTableInputs();
        return CdfTable.FromPmfs(pmfs, tails, offsets);
    }
}
