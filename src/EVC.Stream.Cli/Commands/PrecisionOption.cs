namespace EVC.Stream.Cli.Commands;

/// <summary>The <c>--precision</c> option every command that runs the model takes: one vocabulary, one error.</summary>
internal static class PrecisionOption
{
    /// <summary>The option's help text.</summary>
    public const string Description = "Number format of the analysis and synthesis transforms: fp32, bf16 or auto (default: bf16 for deterministic streams on a CPU with native bfloat16, AVX512_BF16 or AMX; else fp32). Streams decode the same symbols either way; only the pixels (and, encoding, what is coded) change slightly.";

    /// <summary>The validation error for an unknown value, or success.</summary>
    public static ValidationResult Validate(string value) => PrecisionChoice.TryParse(value, out _)
        ? ValidationResult.Success()
        : ValidationResult.Error($"--precision must be {PrecisionChoice.Names} (got '{value}')");

    /// <summary>The parsed value (validated before).</summary>
    public static Precision Parse(string value) => PrecisionChoice.Parse(value);
}
