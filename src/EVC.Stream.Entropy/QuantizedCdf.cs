namespace EVC.Stream.Entropy;

/// <summary>
/// The official quantised-CDF construction (<c>pmf_to_quantized_cdf</c> in EVC's <c>MLCodec_CXX</c>,
/// ported by CompressAI from ryg_rans): a float PMF plus its tail mass becomes an integer CDF summing to 2^16
/// in which every symbol keeps a non-zero frequency. Reproduced bit for bit, including its 32-bit wrapping sums.
/// </summary>
public static class QuantizedCdf
{
    /// <summary>Probability precision in bits.</summary>
    public const int Precision = Rans64.ScaleBits;

    /// <summary>
    /// Quantises <paramref name="pmf"/> followed by <paramref name="tailMass"/> (the escape symbol)
    /// into <paramref name="cdf"/>, which receives <c>pmf.Length + 2</c> entries.
    /// </summary>
    /// <returns>The CDF length, <c>pmf.Length + 2</c> (the official <c>cdf_length</c>).</returns>
    public static int Build(ReadOnlySpan<float> pmf, float tailMass, Span<int> cdf)
    {
        int length = pmf.Length + 2;
        if (cdf.Length < length)
            throw new ArgumentException($"The CDF needs {length} entries but the destination has {cdf.Length}.", nameof(cdf));

        Span<uint> work = length <= 512 ? stackalloc uint[length] : new uint[length];
        work[0] = 0;
        for (int i = 0; i < pmf.Length; i++)
            work[i + 1] = RoundFrequency(pmf[i]);
        work[length - 1] = RoundFrequency(tailMass);

        Quantise(work);
        for (int i = 0; i < length; i++)
            cdf[i] = (int)work[i];
        return length;
    }

    /// <summary>
    /// The quantisation proper, in place: <paramref name="cdf"/> holds 0 followed by the rounded frequencies
    /// and leaves as the repaired CDF.
    /// </summary>
    internal static void Quantise(Span<uint> cdf)
    {
        // std::accumulate(..., 0) sums into a 32-bit int: wrap exactly as it does.
        uint total = 0;
        for (int i = 0; i < cdf.Length; i++)
            total = unchecked(total + cdf[i]);
        if (total == 0)
            EntropyThrow.BadTable("the PMF sums to zero");

        for (int i = 0; i < cdf.Length; i++)
            cdf[i] = (uint)(((ulong)Rans64.ProbabilityScale * cdf[i]) / total);

        for (int i = 1; i < cdf.Length; i++)
            cdf[i] = unchecked(cdf[i] + cdf[i - 1]);
        cdf[^1] = Rans64.ProbabilityScale;

        // Give every zero-width symbol one slot, stolen from the lowest frequency above 1.
        for (int i = 0; i < cdf.Length - 1; i++)
        {
            if (cdf[i] != cdf[i + 1])
                continue;
            uint bestFrequency = uint.MaxValue;
            int bestSteal = -1;
            for (int j = 0; j < cdf.Length - 1; j++)
            {
                uint frequency = unchecked(cdf[j + 1] - cdf[j]);
                if (frequency > 1 && frequency < bestFrequency)
                {
                    bestFrequency = frequency;
                    bestSteal = j;
                }
            }
            if (bestSteal == -1)
                EntropyThrow.BadTable("no symbol has a frequency to spare for a zero-width symbol");
            if (bestSteal < i)
            {
                for (int j = bestSteal + 1; j <= i; j++)
                    cdf[j] = unchecked(cdf[j] - 1);
            }
            else
            {
                for (int j = i + 1; j <= bestSteal; j++)
                    cdf[j] = unchecked(cdf[j] + 1);
            }
        }
    }

    /// <summary>
    /// <c>(uint32_t)(std::round(p * 65536) + 0.5)</c>: the float product, rounded half away from zero, then truncated
    /// through 64 bits as g++ on x86-64 converts it (a negative input wraps rather than saturates).
    /// </summary>
    internal static uint RoundFrequency(float p)
    {
        float scaled = p * Rans64.ProbabilityScale;
        double rounded = MathF.Round(scaled, MidpointRounding.AwayFromZero) + 0.5;
        if (double.IsNaN(rounded) || rounded >= 9.2e18 || rounded <= -9.2e18)
            return 0;
        return unchecked((uint)(long)rounded);
    }
}
