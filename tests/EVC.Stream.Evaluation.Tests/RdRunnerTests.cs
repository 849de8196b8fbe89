using EVC.Stream.Imaging;

namespace EVC.Stream.Evaluation.Tests;

/// <summary>The RD runner with stand-in codecs: jobs planned per image, codec and setting; results stored, resumed and reported.</summary>
public sealed class RdRunnerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-rd-runner-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Decodes the original with every pixel moved by <c>8 / parameter</c> levels; the coded size grows with the parameter, so quality grows with size.</summary>
    private sealed class NoisyCodec(string name, bool parallel, double bytesPerParameter) : IRdCodec
    {
        public int Coded;

        public string Name => name;

        public string Label => $"{name} (stand-in)";

        public IReadOnlyList<RdSetting> Sweep { get; } = [new("p 8", 8), new("p 4", 4), new("p 2", 2), new("p 1", 1)];

        public bool CodesInParallel => parallel;

        public RdCoding Code(RdImage image, RdSetting setting, string workFolder)
        {
            Assert.True(Directory.Exists(workFolder));
            Interlocked.Increment(ref Coded);
            byte[] rgb = [.. image.Rgb.Select((v, i) => (byte)Math.Clamp(v + (i % 2 == 0 ? 1 : -1) * (int)(8 / setting.Parameter), 0, 255))];
            return new RdCoding((long)(bytesPerParameter * 100 * setting.Parameter), rgb, 0.01, 0.02);
        }
    }

    private string Images(int count)
    {
        string folder = Path.Combine(_directory, "images");
        Directory.CreateDirectory(folder);
        for (int n = 0; n < count; n++)
        {
            var data = new float[3 * 48 * 40];
            for (int i = 0; i < data.Length; i++)
                data[i] = (float)(0.5 + 0.4 * Math.Sin(i * 0.01 * (n + 1)));
            new PlanarImage(48, 40, data).SavePng(Path.Combine(folder, $"image{n}.png"));
        }
        return folder;
    }

    [Fact]
    public void A_run_codes_every_job_writes_the_reports_and_a_rerun_resumes()
    {
        string images = Images(2);
        string output = Path.Combine(_directory, "out");
        var anchor = new NoisyCodec("anchor", parallel: true, bytesPerParameter: 2);
        var test = new NoisyCodec("test", parallel: false, bytesPerParameter: 1);
        var options = new RdRunOptions { Images = images, Codecs = [anchor, test], Anchor = "anchor", Output = output, ModelName = "stand-in" };

        RdRunner runner = RdRunner.Plan(options);
        Assert.Equal("images", runner.Dataset);
        Assert.Equal(2 * (4 + 4), runner.Jobs.Count);
        Assert.Equal(runner.Jobs.Count, runner.Pending.Count);
        int reported = 0;
        runner.Run(new SynchronousProgress(() => Interlocked.Increment(ref reported)), CancellationToken.None);
        Assert.Equal(16, reported);
        Assert.Equal(8, anchor.Coded);
        RdRunReport report = runner.Report([new RdReferenceCurve("published", [0.1, 0.2], [30, 32])], "A note.");

        foreach (string file in new[] { "results.jsonl", "results.md", "summary.json", "rd-psnr.png", "rd-msssim.png" })
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} missing");
        Assert.Equal(16, File.ReadAllLines(Path.Combine(output, "results.jsonl")).Length);
        Assert.Equal("images: 2 images", report.Title);
        Assert.Equal("stand-in", report.Summary.Model);
        BdEntry bd = Assert.Single(report.Summary.Bd);
        Assert.Equal("test", bd.Codec);
        Assert.True(bd.BdRateRgbPsnr < -40, $"half the bytes at the same quality: {bd.BdRateRgbPsnr}");  // log-rate difference of ln 2
        Assert.Equal("test (stand-in)", report.Label("test"));
        string markdown = File.ReadAllText(report.MarkdownPath);
        Assert.Contains("| test (stand-in) |", markdown);
        Assert.EndsWith("\nA note.\n", markdown);
        Assert.Contains("\"benchmark\": \"rd\"", File.ReadAllText(Path.Combine(output, "summary.json")));

        RdRunner resumed = RdRunner.Plan(options);
        Assert.Empty(resumed.Pending);
        resumed.Run(null, CancellationToken.None);
        Assert.Equal(8, anchor.Coded);
    }

    [Fact]
    public void An_anchor_without_results_is_refused_with_the_fix()
    {
        string images = Images(1);
        var options = new RdRunOptions { Images = images, Codecs = [new NoisyCodec("test", true, 1)], Anchor = "x265", Output = Path.Combine(_directory, "out") };
        RdRunner runner = RdRunner.Plan(options);
        runner.Run(null, CancellationToken.None);
        var error = Assert.Throws<ArgumentException>(() => runner.Report([], null));
        Assert.Contains("--anchor", error.Message);
    }

    [Fact]
    public void A_folder_without_images_is_refused()
    {
        string empty = Path.Combine(_directory, "empty");
        Directory.CreateDirectory(empty);
        var error = Assert.Throws<ArgumentException>(() => RdRunner.Plan(new RdRunOptions { Images = empty, Codecs = [], Output = Path.Combine(_directory, "out") }));
        Assert.Contains("no PNG images", error.Message);
    }

    [Fact]
    public void Classical_codecs_sweep_their_settings_under_the_stored_names()
    {
        ClassicalCodec x265 = ClassicalCodecs.Get("x265");
        Assert.Equal(x265.Settings.Length, x265.Sweep.Count);
        Assert.Equal("crf 18", x265.Sweep[0].Name);
        Assert.Equal(18, x265.Sweep[0].Parameter);
        Assert.True(x265.CodesInParallel);
    }

    private sealed class SynchronousProgress(Action report) : IProgress<RdJob>
    {
        public void Report(RdJob value) => report();
    }
}
