namespace EVC.Stream.Model.Checkpoints;

/// <summary>
/// The number format of the float networks — the analysis transform (<c>enc</c>) and hyper encoder (<c>hyper_enc</c>),
/// which decide what is coded, and the synthesis transform (<c>dec</c>), which decides the pixels. The entropy-parameter
/// networks never change: exact fixed point in deterministic mode, float32 in the official order in official mode, so a
/// stream decodes to the same symbols whatever precision either side chose. Named <c>fp32</c>, <c>bf16</c> and
/// <c>auto</c> on the command line (<see cref="PrecisionChoice"/>).
/// </summary>
public enum Precision
{
    /// <summary>bf16 for deterministic streams where the device has native bfloat16 arithmetic and it measured faster (<see cref="PrecisionChoice.Resolve(Precision, ComputeDevice, Codec.StreamMode)"/>), else fp32.</summary>
    Auto,

    /// <summary>float32: the official numbers.</summary>
    Fp32,

    /// <summary>bfloat16 weights and activations; input, output and the last synthesis layer stay float32.</summary>
    Bf16,
}
