namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench modes</c>: what the deterministic stream mode costs. Every image is coded in official and in
/// deterministic mode at each rate anchor; real file sizes (whole <c>.bin</c>) and RGB PSNR of the 8-bit
/// reconstruction, as the official test script measures them, plus encode and decode times.
/// </summary>
internal sealed class ModesBenchCommand : Command<ModesBenchCommand.Settings>
{
    public sealed class Settings : KitImageBenchSettings
    {
        [CommandOption("--count <N>")]
        [Description("Use only the first N images (sorted by name). Default: all.")]
        public int? Count { get; init; }

        [CommandOption("--threads <N>")]
        [Description("CPU threads. Default: all cores.")]
        public int? Threads { get; init; }

        [CommandOption("--deterministic-version <N>")]
        [Description(DeterministicVersionOption.Description)]
        public int DeterministicVersion { get; init; } = 2;

        public override ValidationResult Validate() => DeterministicVersionOption.Validate(DeterministicVersion) is { Successful: false } bad
            ? bad
            : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string kit = ReferenceKit.Find(null) ?? throw new DirectoryNotFoundException("reference kit not found (../shared/reference/evc-official)");
        string images = settings.Images ?? ReferenceKit.Dataset(kit, "kodak");
        string[] files = BenchmarkImages.List(images, settings.Count);
        int threads = settings.Threads ?? Environment.ProcessorCount;
        TorchThreads.Use(threads);
        EvcModel model = EvcModelLoader.Load(settings.Weights, settings.Arch, ComputeDevice.Cpu).Model;
        IProgress<string>? progress = settings.Json ? null : new CallbackProgress<string>(line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]"));
        List<ModesAnchorResult> results = ModesBenchmark.Run(new ModesBenchmarkOptions
        {
            Model = model, Images = files, Threads = threads,
            DeterministicMode = DeterministicVersionOption.Mode(settings.DeterministicVersion),
        }, progress, cancellationToken);

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { benchmark = "modes", images, count = files.Length, arch = model.Architecture.Name, threads, results }, JsonOutput.Options));
            return 0;
        }
        var table = new Table().Title($"[bold]official vs deterministic mode, {files.Length} images, {model.Architecture.Name}[/]")
            .AddColumn("rate").AddColumn(new TableColumn("q_scale").RightAligned())
            .AddColumn(new TableColumn("bpp official").RightAligned()).AddColumn(new TableColumn("bpp deterministic").RightAligned())
            .AddColumn(new TableColumn("Δ bitrate").RightAligned())
            .AddColumn(new TableColumn("PSNR official").RightAligned()).AddColumn(new TableColumn("PSNR deterministic").RightAligned())
            .AddColumn(new TableColumn("enc s (off/det)").RightAligned()).AddColumn(new TableColumn("dec s (off/det)").RightAligned());
        foreach (ModesAnchorResult r in results)
        {
            table.AddRow($"{r.RateIndex}", $"{r.QScale:F2}", $"{r.OfficialBpp:F4}", $"{r.DeterministicBpp:F4}", $"{r.BitrateIncreasePercent:+0.000;-0.000}%",
                $"{r.OfficialPsnr:F3}", $"{r.DeterministicPsnr:F3}", $"{r.OfficialEncodeSeconds:F2}/{r.DeterministicEncodeSeconds:F2}", $"{r.OfficialDecodeSeconds:F2}/{r.DeterministicDecodeSeconds:F2}");
        }
        AnsiConsole.Write(table);
        return 0;
    }
}
