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
