using System.Runtime.CompilerServices;

namespace EVC.Stream.Entropy;

/// <summary>
/// The constants and primitive steps of ryg's <c>rans64</c> as the official EVC coder uses it:
/// a 64-bit state renormalised in 32-bit words, 16-bit probabilities, 4-bit bypass nibbles.
/// </summary>
internal static class Rans64
{
    /// <summary>Probability precision: CDFs sum to 2^16.</summary>
    public const int ScaleBits = 16;

    /// <summary>Total frequency of every CDF.</summary>
    public const int ProbabilityScale = 1 << ScaleBits;

    /// <summary>Lower bound of the normalised state interval, RANS64_L = 2^31; also the initial encoder state.</summary>
    public const ulong L = 1UL << 31;

    /// <summary>Bits per bypass nibble (official <c>bypass_precision</c>).</summary>
    public const int BypassBits = 4;

    /// <summary>Largest nibble value; a run of these extends the nibble count (official <c>max_bypass_val</c>).</summary>
    public const int MaxBypassValue = (1 << BypassBits) - 1;

    /// <summary>Encoder renormalisation bound for a bypass nibble: ((L &gt;&gt; 16) &lt;&lt; 32) * 2^12.</summary>
    public const ulong BypassXMax = ((L >> ScaleBits) << 32) << (ScaleBits - BypassBits);

    /// <summary>Encoder renormalisation bound per unit of frequency: (L &gt;&gt; 16) &lt;&lt; 32.</summary>
    public const ulong XMaxPerFrequency = (L >> ScaleBits) << 32;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MulHi(ulong a, ulong b) => Math.BigMul(a, b, out _);
}

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
