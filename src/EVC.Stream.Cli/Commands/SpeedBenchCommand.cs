using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EVC.Stream.Cli.Benchmarks;
using EVC.Stream.Evaluation;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench speed</c>: per-stage latency of coding one frame — encoder network, hyperprior and priors,
/// entropy encoding, entropy decoding with the decoder-side priors, decoder network — over repeated frames, as a
/// table (p50/p95/p99), a PNG and JSON; and end-to-end frame rates from wall time (host pixels to payloads, payloads to
/// host pixels). With <c>--batch N</c> the encoder side runs as the capture pipeline does: one network pass over N
/// frames, then their entropy coding in parallel; the decoder side decodes the N frames one by one, as playback does.
/// </summary>
internal sealed class SpeedBenchCommand : Command<SpeedBenchCommand.Settings>
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };
    private static readonly string[] s_stages = ["encoder network", "hyperprior and priors", "entropy encoding", "entropy decoding and priors", "decoder network"];

    public sealed class Settings : CommandSettings
    {
        [CommandOption("-s|--size <WxH>")]
        [Description("Frame size. Default 1920x1080.")]
        public string Size { get; init; } = "1920x1080";

        [CommandOption("--arch <ARCH>")]
        [Description("Architecture. Default EVC_SS.")]
        public string Arch { get; init; } = "EVC_SS";

        [CommandOption("--weights <FILE>")]
        [Description("Weights (default: the shipped default model for EVC_SS, untrained weights for other architectures: speed does not depend on them).")]
        public string? Weights { get; init; }

        [CommandOption("--device-type <TYPE>")]
        [Description("cpu, cuda or auto (default).")]
        public string DeviceType { get; init; } = "auto";

        [CommandOption("--frames <N>")]
        [Description("Measured frames, or batches with --batch (after one warm-up). Default 5 on CPU, 50 on CUDA.")]
        public int? Frames { get; init; }

        [CommandOption("--official")]
        [Description("Official stream mode (default deterministic).")]
        public bool Official { get; init; }

        [CommandOption("--batch <N>")]
        [Description("Frames per encoder network pass, entropy-coded in parallel (the capture pipeline's --batch). Default 1.")]
        public int Batch { get; init; } = 1;

        [CommandOption("--threads <N>")]
        [Description("CPU threads. Default: all cores.")]
        public int? Threads { get; init; }

        [CommandOption("--png <FILE>")]
        [Description("Latency plot. Default bench-speed-<arch>-<size>-<device>.png.")]
        public string? Png { get; init; }

        [CommandOption("--json")]
        [Description("Print JSON.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        (int width, int height) = BenchmarkMath.ParseSize(settings.Size);
        Usage.Limits.CheckFrame(width, height, Math.Max(1, settings.Batch), "--size");
        if (settings.Batch < 1)
            throw new ArgumentException($"--batch must be positive (got {settings.Batch})");
        if (settings.Frames is < 1)
            throw new ArgumentException($"--frames must be positive (got {settings.Frames})");
        Device device = ModelDefaults.ChooseDevice(settings.DeviceType);
        bool cuda = device.type == TorchSharp.DeviceType.CUDA;
        set_num_threads(settings.Threads ?? Environment.ProcessorCount);
        EvcModel model;
        if (settings.Weights is null && settings.Arch != "EVC_SS")
        {
            model = new EvcModel(EvcArchitecture.Get(settings.Arch));
            model.to(device);
            model.DetachFromDisposeScopes();
        }
        else
            (model, _) = ModelDefaults.Load(settings.Weights, settings.Arch, device);
        var codec = new ImageCodec(model, settings.Official ? StreamMode.Official : StreamMode.Deterministic);
        int frames = settings.Frames ?? (cuda ? 50 : 5);
        var samples = s_stages.ToDictionary(s => s, _ => new List<double>());
        bool record = false;
        codec.StageTimer = (stage, elapsed) =>
        {
            // Entropy coding of a batch runs on several threads at once.
            if (record && samples.TryGetValue(stage, out List<double>? list))
                lock (list)
                    list.Add(elapsed.TotalMilliseconds);
        };

        int batch = settings.Batch;
        int paddedWidth = ImageCodec.PaddedSize(width), paddedHeight = ImageCodec.PaddedSize(height);
        int planeFloats = 3 * paddedWidth * paddedHeight;
        var pixels = new float[batch * planeFloats];
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)  // each frame of a batch shifted, so none is a copy of another
                        pixels[b * planeFloats + (c * paddedHeight + y) * paddedWidth + x] = (float)(0.5 + 0.35 * Math.Sin((x + 7 * b) * 0.031 * (c + 1) + y * 0.017) * Math.Cos(y * 0.023 - x * 0.011 * c));
        double q = model.Anchor(1);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.Threads ?? Environment.ProcessorCount, CancellationToken = cancellationToken };
        var encodeWall = new List<double>();
        var decodeWall = new List<double>();
        for (int i = 0; i <= frames; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            record = i > 0;  // iteration 0 warms up
            if (!settings.Json)
                AnsiConsole.MarkupLine($"[grey]{(i == 0 ? "warm-up" : $"{(batch > 1 ? "batch" : "frame")} {i}/{frames}")}…[/]");
            using var scope = NewDisposeScope();
            // End to end: the upload of host pixels and the download of the reconstruction count.
            long start = Stopwatch.GetTimestamp();
            Tensor x = tensor(pixels, new long[] { batch, 3, paddedHeight, paddedWidth }).to(device);
            ImageCodec.FrameSymbols[] symbols = codec.AnalyseBatch(x, q);
            var payloads = new byte[batch][];
            if (batch == 1)
                payloads[0] = codec.EncodePayload(symbols[0]);
            else
                Parallel.For(0, batch, parallel, b => payloads[b] = codec.EncodePayload(symbols[b]));
            long encoded = Stopwatch.GetTimestamp();
            for (int b = 0; b < batch; b++)
            {
                using var frameScope = NewDisposeScope();
                _ = codec.DecompressPayload(payloads[b], height, width, symbols[b].QIndex, codec.Mode).cpu();
            }
            if (record)
            {
                encodeWall.Add(Stopwatch.GetElapsedTime(start, encoded).TotalMilliseconds);
                decodeWall.Add(Stopwatch.GetElapsedTime(encoded).TotalMilliseconds);
            }
        }

        var rows = s_stages.Select(s => (Stage: s, Sorted: samples[s].Order().ToArray())).ToList();
        // Frames per second from the median wall time of a batch (all stages, transfers and CUDA syncs included).
        double encodeFps = batch * 1000 / Median(encodeWall);
        double decodeFps = batch * 1000 / Median(decodeWall);
        string png = settings.Png ?? $"bench-speed-{model.Architecture.Name}-{width}x{height}-{(cuda ? "cuda" : "cpu")}.png";
        string title = string.Create(CultureInfo.InvariantCulture, $"{model.Architecture.Name} {width}x{height} on {(cuda ? "CUDA" : $"CPU ({Environment.ProcessorCount} cores)")}, {codec.Mode.ToString().ToLowerInvariant()} mode, {frames} {(batch > 1 ? $"batches of {batch}" : "frames")}");
        SpeedPlot.Save(png, title, [.. rows.Select(r => (r.Stage, r.Sorted))]);
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "speed",
                arch = model.Architecture.Name,
                frame = $"{width}x{height}",
                device = cuda ? "cuda" : "cpu",
                threads = settings.Threads ?? Environment.ProcessorCount,
                mode = codec.Mode.ToString().ToLowerInvariant(),
                batch,
                frames,
                stages = rows.Select(r => new { stage = r.Stage, p50_ms = SpeedPlot.Percentile(r.Sorted, 50), p95_ms = SpeedPlot.Percentile(r.Sorted, 95), p99_ms = SpeedPlot.Percentile(r.Sorted, 99), mean_ms = r.Sorted.Average() }),
                encode_ms_per_batch = Summary(encodeWall),
                decode_ms_per_batch = Summary(decodeWall),
                encode_fps = encodeFps,
                decode_fps = decodeFps,
                png,
            }, s_json));
            return 0;
        }
        var table = new Table().Title($"[bold]{Markup.Escape(title)}[/]").AddColumn("stage")
            .AddColumn(new TableColumn("p50 ms").RightAligned()).AddColumn(new TableColumn("p95 ms").RightAligned())
            .AddColumn(new TableColumn("p99 ms").RightAligned()).AddColumn(new TableColumn("mean ms").RightAligned());
        foreach (var (stage, sorted) in rows)
            table.AddRow(stage, F(SpeedPlot.Percentile(sorted, 50)), F(SpeedPlot.Percentile(sorted, 95)), F(SpeedPlot.Percentile(sorted, 99)), F(sorted.Average()));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"encode {encodeFps:F2} fps, decode {decodeFps:F2} fps (median wall time {(batch > 1 ? $"of a batch of {batch}" : "of a frame")}, transfers included); plot: {png}"));
        return 0;
    }

    private static double Median(List<double> values) => SpeedPlot.Percentile([.. values.Order()], 50);

    private static object Summary(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return new { p50 = SpeedPlot.Percentile(sorted, 50), p95 = SpeedPlot.Percentile(sorted, 95), p99 = SpeedPlot.Percentile(sorted, 99), mean = sorted.Average() };
    }

    private static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
