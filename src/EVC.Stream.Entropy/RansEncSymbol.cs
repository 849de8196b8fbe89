namespace EVC.Stream.Entropy;

/// <summary>
/// One symbol prepared for encoding with a reciprocal instead of a division (ryg's <c>Rans64EncSymbol</c>).
/// Produces exactly the state the official <c>Rans64EncPut</c> produces with <c>x / freq</c> and <c>x % freq</c>.
/// </summary>
internal struct RansEncSymbol
{
    public ulong ReciprocalFrequency;
    public uint Frequency;
    public uint Bias;
    public uint ComplementFrequency;
    public int ReciprocalShift;

    public RansEncSymbol(uint start, uint frequency)
    {
        Frequency = frequency;
        ComplementFrequency = (uint)(Rans64.ProbabilityScale - frequency);
        if (frequency < 2)
        {
            // x * 1 reciprocal does not fit 64 bits; this form gives x + start + x * (2^16 - 1) = (x << 16) + start.
            ReciprocalFrequency = ulong.MaxValue;
            ReciprocalShift = 0;
            Bias = start + Rans64.ProbabilityScale - 1;
        }
        else
        {
            int shift = 0;
            while (frequency > (1u << shift)) shift++;
            ulong x0 = frequency - 1;
            ulong x1 = 1UL << (shift + 31);
            ulong t1 = x1 / frequency;
            x0 += (x1 % frequency) << 32;
            ulong t0 = x0 / frequency;
            ReciprocalFrequency = t0 + (t1 << 32);
            ReciprocalShift = shift - 1;
            Bias = start;
        }
    }
}
