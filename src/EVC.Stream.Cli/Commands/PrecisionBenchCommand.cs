using EVC.Stream.Evaluation;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench precision</c>: milliseconds per frame of the analysis transform, hyper encoder and synthesis
/// transform in fp32 and bf16, NCHW and channels-last, side by side in one run (every round runs every variant in turn;
/// medians), and how far each variant's reconstruction is from fp32's.
/// </summary>
internal sealed class PrecisionBenchCommand : Command<PrecisionBenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--sizes <WxH,...>")]
        [Description("Frame sizes. Default 320x240,768x512.")]
        public string Sizes { get; init; } = "320x240,768x512";

        [CommandOption("--arch <ARCH>")]
        [Description("Architecture. Default EVC_SS.")]
        public string Arch { get; init; } = "EVC_SS";

        [CommandOption("--weights <FILE>")]
        [Description("Weights (default: the shipped default model for EVC_SS, untrained weights for other architectures).")]
        public string? Weights { get; init; }

        [CommandOption("--device-type <TYPE>")]
        [Description("cpu (default), cuda or auto.")]
        public string DeviceType { get; init; } = "cpu";

        [CommandOption("--rounds <N>")]
        [Description("Timed rounds (after one warm-up); medians are reported. Default 7.")]
        public int Rounds { get; init; } = 7;

        [CommandOption("--threads <N>")]
        [Description("CPU threads. Default: all cores.")]
        public int? Threads { get; init; }

        [CommandOption("--json")]
        [Description("Print JSON.")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            Rounds < 1 ? ValidationResult.Error("--rounds must be positive")
            : Threads is < 1 or > 1024 ? ValidationResult.Error("--threads must be 1..1024")
            : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        (int, int)[] sizes = [.. settings.Sizes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(size => SizeOption.Parse(size))];
        foreach ((int width, int height) in sizes)
            Limits.CheckFrame(width, height, 1, "--sizes");
        ComputeDevice device = ComputeDevice.Choose(settings.DeviceType);
        int threads = settings.Threads ?? Environment.ProcessorCount;
        TorchThreads.Use(threads);
        EvcModel model = settings.Weights is null && settings.Arch != "EVC_SS"
            ? UntrainedModel.Create(settings.Arch, device)
            : EvcModelLoader.Load(settings.Weights, settings.Arch, device).Model;
        IProgress<string>? progress = settings.Json ? null : new CallbackProgress<string>(line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}…[/]"));
        IReadOnlyList<PrecisionVariantResult> results = PrecisionBenchmark.Run(new PrecisionBenchmarkOptions { Model = model, Sizes = sizes, Rounds = settings.Rounds }, progress, cancellationToken);
        string cpuBf16 = PrecisionChoice.CpuHasBf16 ? "yes" : "no";
        string auto = PrecisionChoice.Name(PrecisionChoice.Resolve(Precision.Auto, device, StreamMode.Deterministic));
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "precision",
                arch = model.Architecture.Name,
                device = device.Name,
                threads,
                cores = Environment.ProcessorCount,
                rounds = settings.Rounds,
                cpu_bf16 = PrecisionChoice.CpuHasBf16,
                auto,
                date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
                results = results.Select(r => new
                {
                    frame = $"{r.Width}x{r.Height}",
                    precision = r.Precision,
                    channels_last = r.ChannelsLast,
                    encoder_ms = r.EncoderMs,
                    hyper_encoder_ms = r.HyperEncoderMs,
                    decoder_ms = r.DecoderMs,
                    max_abs_difference = r.MaxAbsDifference,
                }),
            }, JsonOutput.Options));
            return 0;
        }
        var table = new Table().Title($"[bold]{model.Architecture.Name} transforms on {device.Name}, {threads} threads, median of {settings.Rounds} rounds (native bf16: {cpuBf16}; auto = {auto})[/]")
            .AddColumn("frame").AddColumn("precision").AddColumn("layout")
            .AddColumn(new TableColumn("enc ms").RightAligned()).AddColumn(new TableColumn("hyper_enc ms").RightAligned())
            .AddColumn(new TableColumn("dec ms").RightAligned()).AddColumn(new TableColumn("max |Δx̂|").RightAligned());
        foreach (PrecisionVariantResult r in results)
            table.AddRow($"{r.Width}x{r.Height}", r.Precision, r.ChannelsLast ? "channels-last" : "NCHW", F(r.EncoderMs), F(r.HyperEncoderMs), F(r.DecoderMs),
                r.MaxAbsDifference.ToString("F5", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        return 0;
    }

    private static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);
}
