using System.Runtime.Intrinsics.X86;
using EVC.Stream.Model.Codec;

namespace EVC.Stream.Model.Checkpoints;

/// <summary>Parses, names and resolves <see cref="Precision"/>: <c>fp32</c>, <c>bf16</c> or <c>auto</c>.</summary>
public static class PrecisionChoice
{
    /// <summary>The names the command line accepts.</summary>
    public const string Names = "fp32, bf16 or auto";

    /// <summary>fp32, bf16 or auto; <paramref name="option"/> names the option in the error.</summary>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static Precision Parse(string value, string option = "--precision") => TryParse(value, out Precision precision)
        ? precision
        : throw new ArgumentException($"{option} must be {Names} (got '{value}')");

    /// <summary>Whether <paramref name="value"/> is fp32, bf16 or auto.</summary>
    public static bool TryParse(string? value, out Precision precision)
    {
        (bool ok, precision) = value switch
        {
            "fp32" => (true, Precision.Fp32),
            "bf16" => (true, Precision.Bf16),
            "auto" => (true, Precision.Auto),
            _ => (false, Precision.Auto),
        };
        return ok;
    }

    /// <summary><c>fp32</c>, <c>bf16</c> or <c>auto</c>, as start-up lines print it.</summary>
    public static string Name(Precision precision) => precision switch
    {
        Precision.Fp32 => "fp32",
        Precision.Bf16 => "bf16",
        _ => "auto",
    };

    /// <summary>
    /// The precision <paramref name="precision"/> means on <paramref name="device"/> for <paramref name="mode"/>
    /// streams: fp32 and bf16 as given; <see cref="Precision.Auto"/> is bf16 for deterministic streams on a CPU with
    /// native bfloat16 arithmetic (<see cref="CpuHasBf16"/>; measured faster there, docs/precision.md), and fp32
    /// elsewhere: on CUDA (not measured yet) and for official-mode streams, whose point is the official numbers (the
    /// official encoder's bytes, its decoder's pixels).
    /// </summary>
    public static Precision Resolve(Precision precision, ComputeDevice device, StreamMode mode)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Resolve(precision, device.IsCpu, mode);
    }

    /// <summary><see cref="Resolve(Precision, ComputeDevice, StreamMode)"/> for a device that is, or is not, the CPU.</summary>
    internal static Precision Resolve(Precision precision, bool cpu, StreamMode mode) =>
        precision != Precision.Auto ? precision : cpu && CpuHasBf16 && mode == StreamMode.Deterministic ? Precision.Bf16 : Precision.Fp32;

    /// <summary>
    /// Whether this x86 CPU (and OS) runs bfloat16 natively: AVX-512 enabled and CPUID reporting AVX512_BF16 (leaf 7
    /// sub-leaf 1, EAX bit 5) or AMX-BF16 (leaf 7 sub-leaf 0, EDX bit 22). Without them libtorch emulates bf16 with
    /// float32 conversions, which is slower than float32.
    /// </summary>
    public static bool CpuHasBf16 { get; } = DetectBf16();

    private static bool DetectBf16()
    {
        if (!X86Base.IsSupported || !Avx512F.IsSupported)
            return false;
        (_, _, _, int edx0) = X86Base.CpuId(7, 0);
        (int eax1, _, _, _) = X86Base.CpuId(7, 1);
        return (eax1 & (1 << 5)) != 0 || (edx0 & (1 << 22)) != 0;
    }
}
