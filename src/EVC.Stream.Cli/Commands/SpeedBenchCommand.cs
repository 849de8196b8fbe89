using EVC.Stream.Evaluation;

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

        [CommandOption("--precision <P>")]
        [Description(PrecisionOption.Description)]
        public string Precision { get; init; } = "auto";

        [CommandOption("--png <FILE>")]
        [Description("Latency plot. Default bench-speed-<arch>-<size>-<device>.png.")]
        public string? Png { get; init; }

        [CommandOption("--json")]
        [Description("Print JSON.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        (int width, int height) = SizeOption.Parse(settings.Size);
        Limits.CheckFrame(width, height, Math.Max(1, settings.Batch), "--size");
        if (settings.Batch < 1)
            throw new ArgumentException($"--batch must be positive (got {settings.Batch})");
        if (settings.Frames is < 1)
            throw new ArgumentException($"--frames must be positive (got {settings.Frames})");
        ComputeDevice device = ComputeDevice.Choose(settings.DeviceType);
        Precision precision = PrecisionChoice.Parse(settings.Precision);
        int threads = settings.Threads ?? Environment.ProcessorCount;
        TorchThreads.Use(threads);
        EvcModel model = settings.Weights is null && settings.Arch != "EVC_SS"
            ? UntrainedModel.Create(settings.Arch, device)
            : EvcModelLoader.Load(settings.Weights, settings.Arch, device).Model;
        IProgress<string>? progress = settings.Json ? null : new CallbackProgress<string>(line => AnsiConsole.MarkupLine($"[grey]{line}…[/]"));
        SpeedBenchmarkResult result = SpeedBenchmark.Run(new SpeedBenchmarkOptions
        {
            Model = model,
            Device = device,
            Width = width,
            Height = height,
            Frames = settings.Frames,
            Official = settings.Official,
            Batch = settings.Batch,
            Threads = threads,
            Precision = precision,
            Png = settings.Png,
        }, progress, cancellationToken);

        int batch = settings.Batch;
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "speed",
                arch = result.Arch,
                frame = $"{width}x{height}",
                device = result.Cuda ? "cuda" : "cpu",
                threads,
                precision = result.Precision,
                mode = result.Mode,
                batch,
                frames = result.Frames,
                stages = result.Stages.Select(r => new { stage = r.Stage, p50_ms = SpeedPlot.Percentile(r.SortedMs, 50), p95_ms = SpeedPlot.Percentile(r.SortedMs, 95), p99_ms = SpeedPlot.Percentile(r.SortedMs, 99), mean_ms = r.SortedMs.Average() }),
                encode_ms_per_batch = Summary(result.EncodeWallMs),
                decode_ms_per_batch = Summary(result.DecodeWallMs),
                encode_fps = result.EncodeFps,
                decode_fps = result.DecodeFps,
                png = result.Png,
            }, s_json));
            return 0;
        }
        var table = new Table().Title($"[bold]{Markup.Escape(result.Title)}[/]").AddColumn("stage")
            .AddColumn(new TableColumn("p50 ms").RightAligned()).AddColumn(new TableColumn("p95 ms").RightAligned())
            .AddColumn(new TableColumn("p99 ms").RightAligned()).AddColumn(new TableColumn("mean ms").RightAligned());
        foreach (SpeedStageResult row in result.Stages)
            table.AddRow(row.Stage, F(SpeedPlot.Percentile(row.SortedMs, 50)), F(SpeedPlot.Percentile(row.SortedMs, 95)), F(SpeedPlot.Percentile(row.SortedMs, 99)), F(row.SortedMs.Average()));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"encode {result.EncodeFps:F2} fps, decode {result.DecodeFps:F2} fps (median wall time {(batch > 1 ? $"of a batch of {batch}" : "of a frame")}, transfers included); plot: {result.Png}"));
        return 0;
    }

    private static object Summary(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return new { p50 = SpeedPlot.Percentile(sorted, 50), p95 = SpeedPlot.Percentile(sorted, 95), p99 = SpeedPlot.Percentile(sorted, 99), mean = sorted.Average() };
    }

    private static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
