namespace EVC.Stream.Entropy;

/// <summary>
/// The official EVC Gaussian entropy table (<c>GaussianEncoder</c> with <c>distribution='gaussian'</c>)
/// and its scale-to-index rule, computed bit for bit as PyTorch 1.13 (CPU, AVX2) does in float32.
/// </summary>
internal static class GaussianPmf
{
    /// <summary>Number of scales in the table (<c>scale_level</c>).</summary>
    public const int ScaleLevels = 256;

    /// <summary>Largest center; also the default when no i in 2..50 qualifies.</summary>
    public const int MaxCenter = 50;

    /// <summary>Largest pmf length over the official table (<c>2 * 50 + 1</c>).</summary>
    public const int MaxPmfLength = (2 * MaxCenter) + 1;

    private const double ScaleMin = 0.11;
    private const double ScaleMax = 64.0;

    /// <summary><c>math.log(0.11)</c> as torch casts the Python float to float32.</summary>
    private static readonly float LogScaleMinF = (float)Math.Log(ScaleMin);

    /// <summary><c>(math.log(64) - math.log(0.11)) / 255</c> in double, cast to float32.</summary>
    private static readonly float LogScaleStepF = (float)((Math.Log(ScaleMax) - Math.Log(ScaleMin)) / (ScaleLevels - 1));

    /// <summary><c>torch.zeros_like(x) + 0.9999</c>.</summary>
    private const float CenterThreshold = (float)0.9999;

    /// <summary>
    /// <c>torch.exp(torch.linspace(math.log(0.11), math.log(64.0), 256))</c> in float32.
    /// </summary>
    /// <remarks>
    /// linspace_kernel (RangeFactoriesKernel.cpp) with start/end cast to float and
    /// <c>step = (end - start) / 255</c> in float; the first half counts up from start
    /// (<c>start + step * idx</c>), the second half down from end (<c>end - step * (steps - idx - 1)</c>),
    /// 8 lanes at a time via <c>Vectorized&lt;float&gt;::arange(base, step)</c>. exp is
    /// <c>Sleef_expf8_u10</c>. Checked bit for bit against the reference kit's scale table.
    /// </remarks>
    public static float[] OfficialScaleTable()
    {
        const int steps = ScaleLevels;
        const int lanes = 8;
        float start = (float)Math.Log(ScaleMin);
        float end = (float)Math.Log(ScaleMax);
        float step = (end - start) / (steps - 1);
        const int halfway = steps / 2;

        var table = new float[steps];
        for (int idx = 0; idx < steps; idx += lanes)
        {
            // GCC contracts the scalar lane-0 expressions into FMAs (-ffp-contract=fast with -mfma);
            // the other lanes (base + k * step in the arange constructor) round twice.
            float baseValue = idx < halfway
                ? MathF.FusedMultiplyAdd(step, idx, start)
                : MathF.FusedMultiplyAdd(-step, steps - idx - 1, end);
            for (int k = 0; k < lanes; k++)
            {
                float v = k == 0 ? baseValue : baseValue + (k * step);
                table[idx + k] = TorchFloat32.Exp(v);
            }
        }

        return table;
    }

    /// <summary>
    /// <c>GaussianEncoder.build_indexes</c> for one scale:
    /// <c>int(clamp((log(max(scale, 1e-5)) - log(0.11)) / step, 0, 255))</c> in float32.
    /// </summary>
    /// <remarks>A NaN scale gives int.MinValue in torch, which becomes 0 after the int16 cast of the coder.</remarks>
    public static int ScaleToIndex(float scale)
    {
        if (float.IsNaN(scale))
        {
            return 0;
        }

        float s = scale > 1e-5f ? scale : 1e-5f;
        float v = TorchFloat32.Log(s) - LogScaleMinF;
        v /= LogScaleStepF;
        v = v < 0f ? 0f : v;
        v = v > ScaleLevels - 1 ? ScaleLevels - 1 : v;
        return (int)v;
    }

    /// <summary>
    /// Fills <paramref name="indexes"/> with <see cref="ScaleToIndex(float)"/> of each scale.
    /// </summary>
    public static void ScalesToIndexes(ReadOnlySpan<float> scales, Span<int> indexes)
    {
        if (indexes.Length < scales.Length)
        {
            throw new ArgumentException("The index span is shorter than the scale span.", nameof(indexes));
        }

        for (int i = 0; i < scales.Length; i++)
        {
            indexes[i] = ScaleToIndex(scales[i]);
        }
    }

    /// <summary>
    /// The center of a row: the smallest i in 2..50 with <c>Normal(0, scale).cdf(i) &gt; 0.9999</c>, else 50.
    /// (The official loop runs i = 50 down to 2 and keeps overwriting.)
    /// </summary>
    public static int Center(float scale)
    {
        for (int i = 2; i <= MaxCenter; i++)
        {
            if (TorchFloat32.NormalCdf(i, scale) > CenterThreshold)
            {
                return i;
            }
        }

        return MaxCenter;
    }

    /// <summary>Builds the row of one scale exactly as the official update does.</summary>
    public static GaussianPmfRow BuildRow(float scale)
    {
        int center = Center(scale);
        int length = (2 * center) + 1;
        var pmf = new float[length];
        for (int k = 0; k < length; k++)
        {
            // samples = (arange(max_length) - center).float(); upper/lower use samples +/- 0.5.
            float sample = k - center;
            float upper = TorchFloat32.NormalCdf(sample + 0.5f, scale);
            float lower = TorchFloat32.NormalCdf(sample - 0.5f, scale);
            pmf[k] = upper - lower;
        }

        // tail_mass = 2 * lower[:, :1]
        float tail = 2f * TorchFloat32.NormalCdf(-center - 0.5f, scale);
        return new GaussianPmfRow(scale, center, pmf, tail);
    }

    /// <summary>
    /// The quantiser inputs of the whole official Gaussian table: per row the pmf (<c>2 * center + 1</c>
    /// floats), the tail mass and the offset <c>-center</c>.
    /// </summary>
    public static (float[][] Pmfs, float[] TailMasses, int[] Offsets) OfficialTableInputs()
    {
        GaussianPmfRow[] rows = BuildOfficialRows();
        var pmfs = new float[rows.Length][];
        var tails = new float[rows.Length];
        var offsets = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            pmfs[i] = rows[i].ToPmfArray();
            tails[i] = rows[i].TailMass;
            offsets[i] = rows[i].Offset;
        }

        return (pmfs, tails, offsets);
    }

    /// <summary>Builds all 256 rows for <see cref="OfficialScaleTable"/>.</summary>
    public static GaussianPmfRow[] BuildOfficialRows()
    {
        float[] table = OfficialScaleTable();
        var rows = new GaussianPmfRow[table.Length];
        for (int i = 0; i < table.Length; i++)
        {
            rows[i] = BuildRow(table[i]);
        }

        return rows;
    }
}
