namespace EVC.Stream.Cli.Usage;

/// <summary>How every <c>--json</c> prints: indented, snake_case names (one vocabulary across commands).</summary>
internal static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
