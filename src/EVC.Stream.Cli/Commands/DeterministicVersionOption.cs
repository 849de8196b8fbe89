namespace EVC.Stream.Cli.Commands;

/// <summary>The <c>--deterministic-version</c> option of the benches: one vocabulary, one error.</summary>
internal static class DeterministicVersionOption
{
    /// <summary>The option's help text.</summary>
    public const string Description = "Deterministic arithmetic: 2 (float32-exact, the default of streams) or 1 (float64).";

    /// <summary>The validation error for an unknown version, or success.</summary>
    public static ValidationResult Validate(int version) => version is 1 or 2
        ? ValidationResult.Success()
        : ValidationResult.Error($"--deterministic-version: {version} is not a version; use 1 or 2");

    /// <summary>The stream mode of a (validated) version.</summary>
    public static StreamMode Mode(int version) => version == 1 ? StreamMode.DeterministicV1 : StreamMode.Deterministic;
}
