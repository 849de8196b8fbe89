using System.Text.Json;
using System.Text.Json.Serialization;

namespace EVC.Stream.Evaluation;

/// <summary>The outcome of an RD run, as <c>summary.json</c> stores it: BD-rates against the anchor and every codec's curve.</summary>
public sealed record RdSummary(string Benchmark, string Dataset, int Images, string Anchor, string? Model, List<BdEntry> Bd, Dictionary<string, List<RdCurvePoint>> Curves)
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,  // MS-SSIM is NaN below 161 px
    };

    /// <summary>The summary as indented JSON with snake_case names (the bytes of <c>summary.json</c>).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, s_json);
}
