namespace EVC.Stream.Cli.Usage;

/// <summary>The <c>-q/--quality</c> option of every command: a rate index or a q_scale (<see cref="Quality"/>), rate index 1 when absent.</summary>
internal static class QualityOption
{
    /// <summary>What a bad value is told.</summary>
    public static string Error(string text) =>
        $"--quality {text}: give a rate index 0..{EvcArchitecture.AnchorCount - 1} or a q_scale {QScale.Min}..{QScale.Max} such as 1.5";

    /// <summary>Null for a valid (or absent) value, else the message.</summary>
    public static string? Validate(string? text) => text is null || Quality.TryParse(text, out _) ? null : Error(text);

    /// <summary>The quality asked for; <see cref="Quality.Default"/> when <paramref name="text"/> is null.</summary>
    /// <exception cref="UsageException">Not a rate index or q_scale.</exception>
    public static Quality Parse(string? text) =>
        text is null ? Quality.Default : Quality.TryParse(text, out Quality quality) ? quality : throw new UsageException(Error(text));
}
