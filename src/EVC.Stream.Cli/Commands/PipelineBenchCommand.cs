using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EVC.Stream.Cli.Benchmarks;
using EVC.Stream.Container;
using EVC.Stream.Entropy;
using EVC.Stream.Media.Video;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using EVC.Stream.Pipeline;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench pipeline</c>: (1) at 1920x1080, the throughput of everything but the networks — encode side
/// (FFmpeg capture, conversion, entropy coding of a realistic latent, muxing) and decode side (demux, entropy decoding,
/// conversion, output into FFmpeg) — with the networks replaced by stubs that hand over the kit's recorded symbols;
/// (2) end to end with the real EVC_SS at a CPU-feasible size; (3) optionally RSS over a long run.
/// </summary>
internal sealed class PipelineBenchCommand : Command<PipelineBenchCommand.Settings>
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public sealed class Settings : CommandSettings
    {
        [CommandOption("-s|--size <WxH>")]
        [Description("Frame size of the stubbed-network runs. Default 1920x1080.")]
        public string Size { get; init; } = "1920x1080";

        [CommandOption("--frames <N>")]
        [Description("Frames per stubbed-network run. Default 300.")]
        public int Frames { get; init; } = 300;

        [CommandOption("--e2e-size <WxH>")]
        [Description("Frame size of the end-to-end run with the real model. Default 128x96.")]
        public string EndToEndSize { get; init; } = "128x96";

        [CommandOption("--e2e-frames <N>")]
        [Description("Frames of the end-to-end run (0 skips it). Default 100.")]
        public int EndToEndFrames { get; init; } = 100;

        [CommandOption("--rss-frames <N>")]
        [Description("Also capture N frames at 64x64 with the real model and report RSS every 100 frames (0: skip, the default).")]
        public int RssFrames { get; init; }

        [CommandOption("--json")]
        [Description("Print JSON.")]
        public bool Json { get; init; }
    }

    internal sealed record RunResult(string Run, string Frame, long Frames, double Seconds, double Fps, StageSnapshot[] Stages, long Dropped = 0);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        ExecuteAsync(settings, cancellationToken).GetAwaiter().GetResult();

    private static async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        FFmpegTool.Require();
        string kit = ReferenceKit.Find(null) ?? throw new DirectoryNotFoundException("reference kit not found (../shared/reference/evc-official): the stubs replay its recorded symbols");
        (int width, int height) = BenchmarkMath.ParseSize(settings.Size);
        (int e2eWidth, int e2eHeight) = BenchmarkMath.ParseSize(settings.EndToEndSize);
        set_num_threads(Environment.ProcessorCount);
        EvcModel model = WeightsFile.Load(Path.Combine(kit, "checkpoints", "EVC_SS.pth.tar"), "EVC_SS");
        var codec = new ImageCodec(model, StreamMode.Deterministic);
        string directory = Directory.CreateTempSubdirectory("evc-bench-pipeline-").FullName;
        var results = new List<RunResult>();
        var rss = new List<double>();
        try
        {
            int paddedWidth = ImageCodec.PaddedSize(width), paddedHeight = ImageCodec.PaddedSize(height);
            FrameLatent latent = FrameLatent.FromKitCase(kit, "ss_kodim01_r1", paddedWidth, paddedHeight);
            var symbols = new ImageCodec.FrameSymbols(114, [1, EvcArchitecture.LatentChannels, paddedHeight / 64, paddedWidth / 64],
                latent.Z, latent.Pass0, latent.Pass0Indexes, latent.Pass1, latent.Pass1Indexes);
            Progress(settings, $"encode side at {width}x{height}, networks stubbed, {settings.Frames} frames…");
            string stubbed = Path.Combine(directory, "stubbed.evcs");
            results.Add(await CaptureRun("encode side, networks stubbed", width, height, settings.Frames, codec, stubbed,
                new CaptureOptions { EntropyWorkers = Environment.ProcessorCount, CaptureQueue = 8, NetworkStub = n => Enumerable.Repeat(symbols, n).ToArray() }, cancellationToken).ConfigureAwait(false));

            Progress(settings, $"decode side at {width}x{height}, networks stubbed…");
            var planar = new float[3 * paddedWidth * paddedHeight];
            for (int i = 0; i < planar.Length; i++)
                planar[i] = (i % 255) / 255f;
            int[] z = new int[latent.Z.Length], pass0 = new int[latent.Pass0.Length], pass1 = new int[latent.Pass1.Length];
            var decoder = new RansDecoder();
            results.Add(await PlaybackRun("decode side, networks stubbed", stubbed, codec, FFmpegFrameSink.ToNull(width, height, 30), packet =>
            {
                latent.DecodeFrom(decoder, packet.Payload.Span, z, pass0, pass1);
                return planar;
            }, cancellationToken).ConfigureAwait(false));

            if (settings.EndToEndFrames > 0)
            {
                Progress(settings, $"end to end with EVC_SS at {e2eWidth}x{e2eHeight}, {settings.EndToEndFrames} frames…");
                string real = Path.Combine(directory, "real.evcs");
                RunResult throughput = await CaptureRun("capture end to end, EVC_SS, source unpaced (throughput)", e2eWidth, e2eHeight, settings.EndToEndFrames, codec, real,
                    new CaptureOptions { EntropyWorkers = 1, Rate = new RateController(model.Anchor(1)) }, cancellationToken).ConfigureAwait(false);
                results.Add(throughput);
                // Latency as a live source sees it: paced at 80 % of that throughput, so queues stay short.
                double pacedFps = Math.Max(1, Math.Floor(throughput.Fps * 0.8));
                Progress(settings, $"end to end with EVC_SS at {e2eWidth}x{e2eHeight}, live source paced at {pacedFps} fps…");
                results.Add(await CaptureRun($"capture end to end, EVC_SS, live source at {pacedFps} fps (latency)", e2eWidth, e2eHeight, settings.EndToEndFrames, codec,
                    Path.Combine(directory, "paced.evcs"), new CaptureOptions { EntropyWorkers = 1, Rate = new RateController(model.Anchor(1)) }, cancellationToken, pacedFps).ConfigureAwait(false));
                results.Add(await PlaybackRun("play end to end, EVC_SS", real, codec, new NullSink(), null, cancellationToken).ConfigureAwait(false));
            }

            if (settings.RssFrames > 0)
            {
                Progress(settings, $"RSS over {settings.RssFrames} frames at 64x64…");
                using var sampling = new CancellationTokenSource();
                Task sampler = Task.Run(async () =>
                {
                    long next = 100;
                    while (!sampling.IsCancellationRequested)
                    {
                        await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
                        if (Volatile.Read(ref s_written) >= next)
                        {
                            rss.Add(Rss());
                            next += 100;
                        }
                    }
                }, CancellationToken.None);
                results.Add(await CaptureRun($"capture, RSS run", 64, 64, settings.RssFrames, codec, Path.Combine(directory, "rss.evcs"),
                    new CaptureOptions { EntropyWorkers = 1, Rate = new RateController(1.0) }, cancellationToken).ConfigureAwait(false));
                await sampling.CancelAsync().ConfigureAwait(false);
                await sampler.ConfigureAwait(false);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { benchmark = "pipeline", cores = Environment.ProcessorCount, target_fps = 60, results, rss_mib_every_100_frames = rss }, s_json));
            return 0;
        }
        foreach (RunResult r in results)
        {
            var table = new Table().Title($"[bold]{Markup.Escape(r.Run)}: {r.Frame}, {r.Frames} frames in {r.Seconds:F1} s = {r.Fps:F1} fps{(r.Dropped > 0 ? $", {r.Dropped} dropped" : "")}[/]")
                .AddColumn("stage").AddColumn(new TableColumn("p50 ms").RightAligned()).AddColumn(new TableColumn("p95 ms").RightAligned())
                .AddColumn(new TableColumn("p99 ms").RightAligned()).AddColumn(new TableColumn("max ms").RightAligned());
            foreach (StageSnapshot s in r.Stages)
                table.AddRow(Markup.Escape(s.Stage), F(s.P50Ms), F(s.P95Ms), F(s.P99Ms), F(s.MaxMs));
            AnsiConsole.Write(table);
        }
        if (rss.Count > 0)
            AnsiConsole.MarkupLine($"RSS every 100 frames (MiB): {string.Join(", ", rss.Select(v => F(v)))}");
        return 0;
    }

    private static long s_written;

    private static async Task<RunResult> CaptureRun(string name, int width, int height, int frames, ImageCodec codec, string output, CaptureOptions options, CancellationToken cancellationToken, double pacedFps = 0)
    {
        var source = new VideoSourceOptions { Kind = VideoSourceKind.Test, Width = width, Height = height, FrameRate = pacedFps > 0 ? pacedFps : 30, MaxFrames = frames, Paced = pacedFps > 0 };
        VideoFormat format = await VideoSource.ProbeAsync(source, cancellationToken).ConfigureAwait(false);
        var stats = new PipelineStats(name, CapturePipeline.StageNames);
        await using var stream = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
        await using EvcsWriter writer = await EvcsWriter.CreateAsync(stream, new EvcsHeader
        {
            Architecture = "EVC_SS",
            Width = width,
            Height = height,
            PadRight = ImageCodec.PaddedSize(width) - width,
            PadBottom = ImageCodec.PaddedSize(height) - height,
        }, new EvcsWriterOptions { LeaveOpen = true }, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref s_written, 0);
        using var progress = new Timer(_ => Volatile.Write(ref s_written, stats.Written), null, 0, 20);
        long start = Stopwatch.GetTimestamp();
        CaptureResult result = await CapturePipeline.RunAsync(source, format, codec, writer, options, stats, CancellationToken.None, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (result.Error is not null)
            throw result.Error;
        return new RunResult(name, $"{width}x{height}", result.Written, seconds, result.Written / seconds, stats.Snapshot().Stages, result.Dropped);
    }

    private static async Task<RunResult> PlaybackRun(string name, string input, ImageCodec codec, IFrameSink sink, Func<EvcsPacket, float[]>? stub, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using EvcsReader reader = await EvcsReader.OpenAsync(stream, null, cancellationToken).ConfigureAwait(false);
        var stats = new PipelineStats(name, PlaybackPipeline.StageNames);
        long start = Stopwatch.GetTimestamp();
        PlaybackResult result;
        await using (sink.ConfigureAwait(false))
        {
            result = await PlaybackPipeline.RunAsync(reader, codec, sink, new PlaybackOptions { NetworkStub = stub }, stats, cancellationToken).ConfigureAwait(false);
            await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (result.Error is not null)
            throw result.Error;
        return new RunResult(name, $"{reader.Header.Width}x{reader.Header.Height}", result.Presented, seconds, result.Presented / seconds, stats.Snapshot().Stages);
    }

    private static double Rss()
    {
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / 1048576.0;
    }

    private static void Progress(Settings settings, string text)
    {
        if (!settings.Json)
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(text)}[/]");
    }

    private static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
