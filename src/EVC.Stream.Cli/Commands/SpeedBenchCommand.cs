using EVC.Stream.Evaluation;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench speed</c>: per-stage latency of coding one frame — encoder network, hyperprior and priors,
/// entropy encoding, entropy decoding with the decoder-side priors, decoder network — over repeated frames, as a
/// table (p50/p95/p99), a PNG and JSON; and end-to-end frame rates from wall time (host pixels to payloads, payloads to
/// host pixels). With <c>--batch N</c> the encoder side runs as the capture pipeline does: one network pass over N
/// frames, then their entropy coding in parallel; the decoder side decodes the N frames one by one, as playback does.
/// Each stage also reports its multiply-adds per frame, the rate it achieved and that rate as a fraction of the float32
/// and bf16 peaks measured first (large matrix products on the same threads).
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

        [CommandOption("--deterministic-version <N>")]
        [Description(DeterministicVersionOption.Description)]
        public int DeterministicVersion { get; init; } = 2;

        public override ValidationResult Validate() => DeterministicVersionOption.Validate(DeterministicVersion);

        [CommandOption("--batch <N>")]
        [Description("Frames per encoder network pass, entropy-coded in parallel (the capture pipeline's --batch). Default 1.")]
        public int Batch { get; init; } = 1;

        [CommandOption("--threads <N>")]
        [Description("CPU threads. Default: all cores.")]
        public int? Threads { get; init; }

        [CommandOption("--peak-size <N>")]
        [Description("n of the n x n float32 and bf16 matrix products that measure the peak multiply-add rate first; 0 skips it. Default 2048 on CPU, 8192 on CUDA.")]
        public int? PeakSize { get; init; }
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
        if (settings.PeakSize is < 0)
            throw new ArgumentException($"--peak-size must be 0 or positive (got {settings.PeakSize})");
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
            DeterministicMode = DeterministicVersionOption.Mode(settings.DeterministicVersion),
            Batch = settings.Batch,
            Threads = threads,
            PeakMatrixSize = settings.PeakSize,
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
                peak = result.Peak is not PeakThroughputResult p ? null : new
                {
                    device = p.Device,
                    threads = p.Threads,
                    matrix_size = p.MatrixSize,
                    float32_gemm_gmac_per_s = p.Float32GmacPerSecond,
                    bf16_gemm_gmac_per_s = p.Bfloat16GmacPerSecond,
                    float32_fma_loop_gmac_per_s = p.VectorFloat32GmacPerSecond,
                    fma_loop_vector_bits = p.VectorBits,
                    fractions_of = "float32_peak_fraction: float32_gemm_gmac_per_s; bf16_peak_fraction: bf16_gemm_gmac_per_s; float32_fma_loop_fraction: float32_fma_loop_gmac_per_s",
                },
                macs_per_padded_pixel = result.MultiplyAdds.EveryNetworkOnce / (double)result.MultiplyAdds.Pixels,
                stages = result.Stages.Select(r => new
                {
                    stage = r.Stage,
                    p50_ms = SpeedPlot.Percentile(r.SortedMs, 50),
                    p95_ms = SpeedPlot.Percentile(r.SortedMs, 95),
                    p99_ms = SpeedPlot.Percentile(r.SortedMs, 99),
                    mean_ms = r.SortedMs.Average(),
                    gmac_per_frame = r.GmacPerFrame,
                    gmac_per_s = r.GmacPerSecond,
                    float32_peak_fraction = r.Float32PeakFraction,
                    bf16_peak_fraction = r.Bfloat16PeakFraction,
                    float32_fma_loop_fraction = r.Float32FmaLoopFraction,
                }),
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
        // A second table, so both fit 80 columns: the multiply-add rate each stage achieved at its median time.
        AnsiConsole.MarkupLine(Markup.Escape(PeakLine(result.Peak)));
        var rates = new Table().AddColumn("stage")
            .AddColumn(new TableColumn("GMAC/frame").RightAligned()).AddColumn(new TableColumn("GMAC/s").RightAligned())
            .AddColumn(new TableColumn("% f32 mm").RightAligned()).AddColumn(new TableColumn("% bf16 mm").RightAligned())
            .AddColumn(new TableColumn("% f32 FMA").RightAligned());
        foreach (SpeedStageResult row in result.Stages)
            rates.AddRow(row.Stage, row.GmacPerFrame.ToString("F3", CultureInfo.InvariantCulture), F(row.GmacPerSecond),
                Percent(row.Float32PeakFraction), Percent(row.Bfloat16PeakFraction), Percent(row.Float32FmaLoopFraction));
        AnsiConsole.Write(rates);
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"{result.MultiplyAdds.EveryNetworkOnce / (double)result.MultiplyAdds.Pixels / 1000:F1} K multiply-adds per padded pixel, every network once (the entropy-parameter networks run on both sides: twice per frame coded and decoded)"));
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"encode {result.EncodeFps:F2} fps, decode {result.DecodeFps:F2} fps (median wall time {(batch > 1 ? $"of a batch of {batch}" : "of a frame")}, transfers included); plot: {result.Png}"));
        return 0;
    }

    private static object Summary(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return new { p50 = SpeedPlot.Percentile(sorted, 50), p95 = SpeedPlot.Percentile(sorted, 95), p99 = SpeedPlot.Percentile(sorted, 99), mean = sorted.Average() };
    }

    /// <summary>The header line: the measured peaks and which one the fractions use.</summary>
    private static string PeakLine(PeakThroughputResult? peak)
    {
        if (peak is null)
            return "peak not measured (--peak-size 0): no fractions";
        string bf16 = peak.Bfloat16GmacPerSecond is double b ? string.Create(CultureInfo.InvariantCulture, $"{b:F1}") : "n/a";
        string loop = peak.VectorFloat32GmacPerSecond is double v
            ? string.Create(CultureInfo.InvariantCulture, $"; float32 FMA loop ({peak.VectorBits}-bit vectors) {v:F1} GMAC/s")
            : "; no FMA loop";
        return string.Create(CultureInfo.InvariantCulture,
            $"measured peak ({peak.Device}, {peak.Threads} threads, best of 3): float32 matmul {peak.Float32GmacPerSecond:F1} GMAC/s, bf16 matmul {bf16} GMAC/s ({peak.MatrixSize}x{peak.MatrixSize}){loop}.\n") +
            "GMAC/s = a stage's multiply-adds per call over its p50; % f32 mm, % bf16 mm: of the matmul peak of that type (the peak used); % f32 FMA: of the FMA loop (the cores' float32 issue limit).";
    }

    private static string Percent(double? fraction) => fraction is double f ? (100 * f).ToString("F1", CultureInfo.InvariantCulture) : "-";

    private static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
