using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using EVC.Stream.Tests.Shared;

namespace EVC.Stream.Evaluation.Tests;

/// <summary>
/// The default model's figures quoted in README.md and docs/training.md come from the committed result files of a
/// real run (<c>docs/results/default-model/summary.json</c>, <c>docs/results/kodak/summary.json</c>): a quote that
/// disagrees fails here instead of going stale silently.
/// </summary>
public sealed partial class DocumentFiguresTests
{
    private static JsonElement Summary(string folder)
    {
        string path = Path.Combine(TestPaths.RepositoryRoot, "docs", "results", folder, "summary.json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    private static Dictionary<string, (double Bpp, double Psnr, double MsSsim)> EvcPoints(JsonElement summary) =>
        summary.GetProperty("curves").GetProperty("evc").EnumerateArray().ToDictionary(
            p => p.GetProperty("setting").GetString()!,
            p => (p.GetProperty("bpp").GetDouble(), p.GetProperty("rgb_psnr").GetDouble(), p.GetProperty("ms_ssim").GetDouble()));

    private static double EvcBdRate(JsonElement summary, string metric) =>
        summary.GetProperty("bd").EnumerateArray().Single(b => b.GetProperty("codec").GetString() == "evc").GetProperty(metric).GetDouble();

    private static double D(string text) => double.Parse(text.Replace('\u2212', '-'), CultureInfo.InvariantCulture);  // documents write U+2212 for minus

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/training.md")]
    public void The_default_models_rd_points_match_the_result_files(string document)
    {
        string text = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, document));
        var points = EvcPoints(Summary("default-model"));
        MatchCollection rows = RdRow().Matches(text);
        Assert.True(rows.Count >= 4, $"{document} quotes no default-model RD rows");
        foreach (Match row in rows)
        {
            (double bpp, double psnr, double msssim) = points["r" + row.Groups["rate"].Value];
            Assert.Equal(Math.Round(bpp, 3), D(row.Groups["bpp"].Value), 3);
            Assert.Equal(Math.Round(psnr, 2), D(row.Groups["psnr"].Value), 2);
            Assert.Equal(Math.Round(msssim, 3), D(row.Groups["msssim"].Value), 3);
        }
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/training.md")]
    public void The_default_models_bd_rates_match_the_result_files(string document)
    {
        string text = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, document));
        JsonElement summary = Summary("default-model");
        Match quote = BdQuote().Match(text);
        Assert.True(quote.Success, $"{document} quotes no BD-rate of the default model");
        Assert.Equal(Math.Round(EvcBdRate(summary, "bd_rate_rgb_psnr"), 1), D(quote.Groups["psnr"].Value), 1);
        Assert.Equal(Math.Round(EvcBdRate(summary, "bd_rate_ms_ssim"), 1), D(quote.Groups["msssim"].Value), 1);
    }

    [Fact]
    public void The_kodak_results_were_made_with_the_same_model_as_the_default_model_results()
    {
        // docs/results/kodak (every codec) and docs/results/default-model (EVC, JPEG, x265) must show one model.
        var kodak = EvcPoints(Summary("kodak"));
        var shipped = EvcPoints(Summary("default-model"));
        foreach ((string setting, (double bpp, double psnr, _)) in shipped)
        {
            Assert.Equal(bpp, kodak[setting].Bpp, 6);
            Assert.Equal(psnr, kodak[setting].Psnr, 6);
        }
    }

    // "| default EVC_SS r1 | 0.369 | 29.37 dB | 0.949 |" (README) or "| default EVC_SS, rate 1 | 0.369 | 29.37 dB | 0.949 |" (docs).
    [GeneratedRegex(@"\| default EVC_SS,? (?:r|rate )(?<rate>\d) \| (?<bpp>[\d.]+) \| (?<psnr>[\d.]+) dB \| (?<msssim>[\d.]+) \|")]
    private static partial Regex RdRow();

    // "default EVC_SS **+33.0 %** (PSNR) / +6.9 % (MS-SSIM)" or "**default EVC_SS +33.0 %** (PSNR) / +6.9 % (MS-SSIM)".
    [GeneratedRegex(@"default EVC_SS \*{0,2}\s*\*{0,2}(?<psnr>[+−-]?[\d.]+) %\*\* \(PSNR\) / (?<msssim>[+−-]?[\d.]+) % \(MS-SSIM\)")]
    private static partial Regex BdQuote();
}
