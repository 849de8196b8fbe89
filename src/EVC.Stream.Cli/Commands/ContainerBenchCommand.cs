namespace EVC.Stream.Cli.Commands;

/// <summary><c>evcstream bench container</c>.</summary>
internal sealed class ContainerBenchCommand : Command<ContainerBenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--json")]
        [Description("Print the results as JSON on stdout instead of a table.")]
        public bool Json { get; init; }

        [CommandOption("--frames <N>")]
        [Description("Frames per timed pass. Default 2000.")]
        public int Frames { get; init; } = 2000;

        [CommandOption("--payload <BYTES>")]
        [Description("Payload size of each frame (random bytes). Default 60000 (a 1080p EVC frame).")]
        public int Payload { get; init; } = 60_000;

        [CommandOption("--repeat <N>")]
        [Description("Timed passes per medium; medians are reported. Default 5.")]
        public int Repeat { get; init; } = 5;

        [CommandOption("--no-pin")]
        [Description("Do not pin the process to one core while measuring (pinned by default, on Linux and Windows).")]
        public bool NoPin { get; init; }

        [CommandOption("--dir <DIR>")]
        [Description("Directory for the temporary file. Default: the system temporary directory.")]
        public string? Directory { get; init; }

        public override ValidationResult Validate()
        {
            if (Frames < 1)
                return ValidationResult.Error("--frames must be at least 1");
            if (Payload < 0 || Payload > Container.EvcsConstants.MaxPayloadLength)
                return ValidationResult.Error($"--payload must be between 0 and {Container.EvcsConstants.MaxPayloadLength}");
            if (Repeat < 1)
                return ValidationResult.Error("--repeat must be at least 1");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        IProgress<string>? progress = settings.Json ? null : new CallbackProgress<string>(medium => console.MarkupLine($"[grey]{Markup.Escape(medium)}…[/]"));
        ContainerBenchmarkResult outcome = ContainerBenchmark.Run(new ContainerBenchmarkOptions
        {
            Frames = settings.Frames,
            PayloadBytes = settings.Payload,
            Repeat = settings.Repeat,
            PinToOneCore = !settings.NoPin,
            Directory = settings.Directory,
        }, progress, cancellationToken);
        ContainerMediumResult[] results = outcome.Media;
        bool pinned = outcome.Pinned;

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "container",
                frames = settings.Frames,
                payload_bytes = settings.Payload,
                repeat = settings.Repeat,
                target_fps = ContainerBenchmark.TargetFps,
                pinned_to_one_core = pinned,
                machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, runtime = Environment.Version.ToString() },
                media = results,
            }, JsonOutput.Options));
            return 0;
        }

        var table = new Table().Title($"[bold].evcs mux + demux: {settings.Frames} frames × {settings.Payload:N0} random bytes, CRC-32C[/]")
            .AddColumn("medium").AddColumn(new TableColumn("mux fps").RightAligned()).AddColumn(new TableColumn("demux fps").RightAligned())
            .AddColumn(new TableColumn("mux+demux fps").RightAligned()).AddColumn(new TableColumn("vs 5000 fps").RightAligned())
            .AddColumn(new TableColumn("CPU/wall").RightAligned());
        foreach (ContainerMediumResult r in results)
        {
            table.AddRow(r.Medium, F(r.MuxFps, 0), F(r.DemuxFps, 0), $"[bold]{F(r.MuxDemuxFps, 0)}[/]", $"[bold]{F(r.RatioToTarget, 2)}x[/]", F(r.CpuUtilisation, 2));
        }
        console.Write(table);
        foreach (ContainerMediumResult r in results)
            console.MarkupLine($"  {r.Medium}: mux {F(r.MuxMegabytesPerSecond, 0)} MB/s, demux {F(r.DemuxMegabytesPerSecond, 0)} MB/s");
        console.MarkupLine($"  medians of {settings.Repeat} passes, {(pinned ? "process pinned to one core" : "not pinned")}; mux+demux fps = frames ÷ (mux time + demux time), target {ContainerBenchmark.TargetFps:F0} fps");
        return 0;
    }

    private static string F(double value, int decimals) => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
