using System.Diagnostics;
using System.Text.Json;

namespace EVC.Stream.Cli.Tests;

/// <summary><c>bench rd</c> end to end on two small images with EVC and two classical codecs, then resumed.</summary>
[Collection("Console")]
public sealed class RdBenchCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-rd-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_tiny_run_writes_results_table_plots_and_resumes()
    {
        string images = Path.Combine(_directory, "images");
        Directory.CreateDirectory(images);
        string kit = EVC.Stream.Tests.Shared.TestPaths.Kit;
        Crop(Path.Combine(kit, "inputs", "kodim15.png"), Path.Combine(images, "a.png"), "176:176:300:200");
        Crop(Path.Combine(kit, "inputs", "kodim23.png"), Path.Combine(images, "b.png"), "192:176:100:120");
        string output = Path.Combine(_directory, "out");

        // The kit's barely trained checkpoint, explicitly: its curve (about 17 dB) cannot overlap JPEG's.
        string weights = Path.Combine(kit, "checkpoints", "EVC_SS.pth.tar");
        (int code, string stdout, string error) = CliRunner.Run("bench", "rd", "--images", images, "--codecs", "evc,jpeg,webp", "--anchor", "jpeg", "-o", output, "--json",
            "--weights", weights, "--arch", "EVC_SS");
        Assert.True(code == 0, error + stdout);
        foreach (string file in new[] { "results.jsonl", "results.md", "summary.json", "rd-psnr.png", "rd-msssim.png" })
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} missing");
        int records = File.ReadAllLines(Path.Combine(output, "results.jsonl")).Length;
        Assert.Equal(2 * (4 + 8 + 8), records);  // EVC's 4 anchors, 8 JPEG and 8 WebP settings, per image

        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        JsonElement bd = summary.RootElement.GetProperty("bd");
        JsonElement webp = bd.EnumerateArray().Single(e => e.GetProperty("codec").GetString() == "webp");
        Assert.Equal(JsonValueKind.Number, webp.GetProperty("bd_rate_rgb_psnr").ValueKind);
        Assert.Equal(JsonValueKind.Number, webp.GetProperty("bd_rate_ms_ssim").ValueKind);
        // Curves that do not overlap are refused with the reason, not a number.
        JsonElement evc = bd.EnumerateArray().Single(e => e.GetProperty("codec").GetString() == "evc");
        Assert.Contains("do not overlap", evc.GetProperty("note").GetString());
        Assert.Contains("| WebP", File.ReadAllText(Path.Combine(output, "results.md")));

        // A second run finds everything done and codes nothing.
        (code, stdout, error) = CliRunner.Run("bench", "rd", "--images", images, "--codecs", "evc,jpeg,webp", "--anchor", "jpeg", "-o", output,
            "--weights", weights, "--arch", "EVC_SS");
        Assert.True(code == 0, error);
        Assert.Contains($"{records} already done", stdout);
        Assert.Equal(records, File.ReadAllLines(Path.Combine(output, "results.jsonl")).Length);
    }

    private static void Crop(string input, string output, string crop) =>
        Media.Video.FFmpegProcess.Run($"-v error -y -i \"{input}\" -vf crop={crop} \"{output}\"");
}

/// <summary><c>bench speed</c> on a tiny frame: every stage measured, JSON and plot written.</summary>
[Collection("Console")]
public sealed class SpeedBenchCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-speed-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Speed_reports_every_stage_and_draws_the_plot()
    {
        string png = Path.Combine(_directory, "speed.png");
        (int code, string stdout, string error) = CliRunner.Run("bench", "speed", "--size", "64x64", "--frames", "2", "--png", png, "--json", "--threads", "1", "--peak-size", "128");
        Assert.True(code == 0, error);
        using JsonDocument result = JsonDocument.Parse(stdout);
        string[] stages = [.. result.RootElement.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stage").GetString()!)];
        Assert.Equal(["encoder network", "hyperprior and priors", "entropy encoding", "entropy decoding and priors", "decoder network"], stages);
        Assert.All(result.RootElement.GetProperty("stages").EnumerateArray(), s => Assert.True(s.GetProperty("p50_ms").GetDouble() > 0));
        Assert.True(new FileInfo(png).Length > 1000);
        // Multiply-adds and their rate: every stage but entropy encoding runs networks, and the peak was measured.
        JsonElement peak = result.RootElement.GetProperty("peak");
        Assert.Equal(128, peak.GetProperty("matrix_size").GetInt32());
        Assert.True(peak.GetProperty("float32_gemm_gmac_per_s").GetDouble() > 0);
        Assert.InRange(result.RootElement.GetProperty("macs_per_padded_pixel").GetDouble(), 100_000, 112_000);
        Assert.All(result.RootElement.GetProperty("stages").EnumerateArray(), s =>
        {
            bool networks = s.GetProperty("stage").GetString() != "entropy encoding";
            Assert.Equal(networks, s.GetProperty("gmac_per_frame").GetDouble() > 0);
            Assert.Equal(networks, s.GetProperty("gmac_per_s").GetDouble() > 0);
            Assert.True(s.GetProperty("float32_peak_fraction").GetDouble() >= 0);
        });
    }

    [Fact]
    public void Speed_with_a_batch_reports_it_and_end_to_end_rates()
    {
        (int code, string stdout, string error) = CliRunner.Run("bench", "speed", "--size", "64x64", "--frames", "1", "--batch", "2", "--official",
            "--png", Path.Combine(_directory, "batch.png"), "--json", "--threads", "1", "--peak-size", "0");
        Assert.True(code == 0, error);
        using JsonDocument result = JsonDocument.Parse(stdout);
        Assert.Equal(2, result.RootElement.GetProperty("batch").GetInt32());
        Assert.Equal("official", result.RootElement.GetProperty("mode").GetString());
        Assert.True(result.RootElement.GetProperty("encode_fps").GetDouble() > 0);
        Assert.True(result.RootElement.GetProperty("decode_ms_per_batch").GetProperty("p50").GetDouble() > 0);
        // --peak-size 0: no peak, so no fractions, but the rates are still there.
        Assert.Equal(JsonValueKind.Null, result.RootElement.GetProperty("peak").ValueKind);
        JsonElement encoder = result.RootElement.GetProperty("stages")[0];
        Assert.True(encoder.GetProperty("gmac_per_s").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, encoder.GetProperty("float32_peak_fraction").ValueKind);
    }

    [Theory]
    [InlineData("bench", "speed", "--batch", "0")]
    [InlineData("bench", "speed", "--peak-size", "-1")]
    [InlineData("bench", "speed", "--device-type", "gpu")]
    [InlineData("bench", "determinism", "--encode-device", "tpu")]
    [InlineData("bench", "determinism", "--decode-device", "auto")]
    public void Bad_options_give_one_line_naming_the_option(params string[] args)
    {
        string line = CliRunner.AssertOneLineError(args);
        Assert.Contains(args[2], line);
    }
}
