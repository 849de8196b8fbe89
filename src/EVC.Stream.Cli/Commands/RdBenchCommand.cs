using EVC.Stream.Evaluation;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench rd</c>: EVC (both stream modes, at the model's rate anchors) against classical codecs through
/// FFmpeg on a folder of images or frames of a clip — real file sizes, RGB and BT.709 YUV PSNR, MS-SSIM, encode and
/// decode times — with BD-rates against an anchor codec, a markdown table, a JSON summary and RD plots. Results are
/// stored per image as they finish; rerunning with the same --out resumes.
/// </summary>
internal sealed class RdBenchCommand : Command<RdBenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--images <DIR>")]
        [Description("Folder of PNG images.")]
        public string? Images { get; init; }

        [CommandOption("--video <FILE>")]
        [Description("A clip: --frames frames taken every --frame-step frames are the images.")]
        public string? Video { get; init; }

        [CommandOption("--frames <N>")]
        [Description("Frames of --video. Default 8.")]
        public int Frames { get; init; } = 8;

        [CommandOption("--frame-step <N>")]
        [Description("Take every Nth frame of --video. Default 30.")]
        public int FrameStep { get; init; } = 30;

        [CommandOption("--count <N>")]
        [Description("Only the first N images (by name).")]
        public int? Count { get; init; }

        [CommandOption("--codecs <LIST>")]
        [Description("Comma-separated: evc, evc-official, jpeg, webp, jxl, x264, x265, aom-av1, svt-av1, or all (default). evc is the deterministic mode.")]
        public string Codecs { get; init; } = "all";

        [CommandOption("--anchor <CODEC>")]
        [Description("BD-rate anchor. Default x265.")]
        public string Anchor { get; init; } = "x265";

        [CommandOption("-o|--output <DIR>")]
        [Description("Results folder (results.jsonl, results.md, summary.json, rd-psnr.png, rd-msssim.png). Default bench-rd/<name of the image folder>.")]
        public string? Out { get; init; }

        [CommandOption("--weights <FILE>")]
        [Description("EVC weights (default: the shipped default model, models/default.safetensors).")]
        public string? Weights { get; init; }

        [CommandOption("--arch <ARCH>")]
        [Description("Architecture for official checkpoints (default EVC_SS).")]
        public string? Arch { get; init; }

        [CommandOption("--threads <N>")]
        [Description("CPU threads. Default: all cores.")]
        public int? Threads { get; init; }

        [CommandOption("--precision <P>")]
        [Description(PrecisionOption.Description)]
        public string Precision { get; init; } = "auto";

        [CommandOption("--json")]
        [Description("Print the summary as JSON.")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            (Images is null) == (Video is null) ? ValidationResult.Error("give --images DIR or --video FILE") : PrecisionOption.Validate(Precision);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string[] names = settings.Codecs == "all"
            ? [EvcRdCodec.DeterministicName, EvcRdCodec.OfficialName, .. ClassicalCodecs.All.Select(c => c.Name)]
            : settings.Codecs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string name in names)
        {
            if (!EvcRdCodec.IsEvc(name))
                ClassicalCodecs.Get(name);  // validates the name
        }

        Precision precision = PrecisionOption.Parse(settings.Precision);
        TorchThreads.Use(settings.Threads ?? Environment.ProcessorCount);
        EvcModel? model = null;
        string modelLine = "";
        if (names.Any(EvcRdCodec.IsEvc))
            (model, modelLine) = EvcModelLoader.Load(settings.Weights, settings.Arch, ComputeDevice.Cpu) is var loaded ? (loaded.Model, loaded.Label) : default;
        if (modelLine.Length > 0 && !settings.Json)
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(modelLine)}[/]");
        IRdCodec[] codecs = [.. names.Select(name => name switch
        {
            EvcRdCodec.DeterministicName => new EvcRdCodec(model!, StreamMode.Deterministic, precision),
            EvcRdCodec.OfficialName => new EvcRdCodec(model!, StreamMode.Official, precision),
            _ => (IRdCodec)ClassicalCodecs.Get(name),
        })];

        RdRunner runner = RdRunner.Plan(new RdRunOptions
        {
            Images = settings.Images,
            Video = settings.Video,
            Frames = settings.Frames,
            FrameStep = settings.FrameStep,
            Count = settings.Count,
            Codecs = codecs,
            Anchor = settings.Anchor,
            Output = settings.Out,
            ModelName = model?.Architecture.Name,
        });
        if (!settings.Json)
            AnsiConsole.MarkupLine($"{runner.Images.Count} images × {codecs.Length} codecs: {runner.Jobs.Count} codings, {runner.Jobs.Count - runner.Pending.Count} already done in {Markup.Escape(runner.Output)}");
        if (runner.Pending.Count > 0)
        {
            if (settings.Json || Console.IsOutputRedirected)
                runner.Run(null, cancellationToken);
            else
                AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(progress =>
                    {
                        ProgressTask task = progress.AddTask("coding", maxValue: runner.Pending.Count);
                        runner.Run(new CallbackProgress<RdJob>(_ => task.Increment(1)), cancellationToken);
                    });
        }

        bool kodak = PublishedEvcCurves.AppliesTo(runner.Dataset, runner.Images.Count);
        RdRunReport report = runner.Report(kodak ? PublishedEvcCurves.Load() : [], kodak ? PublishedEvcCurves.Note : null);
        if (settings.Json)
        {
            Console.Out.WriteLine(report.Summary.ToJson());
            return 0;
        }
        var table = new Table().Title($"[bold]{Markup.Escape(report.Title)}, BD-rate against {Markup.Escape(report.Label(settings.Anchor))}[/]")
            .AddColumn("codec").AddColumn(new TableColumn("BD-rate (PSNR)").RightAligned()).AddColumn(new TableColumn("BD-PSNR").RightAligned())
            .AddColumn(new TableColumn("BD-rate (MS-SSIM)").RightAligned()).AddColumn("note");
        foreach (BdEntry e in report.Summary.Bd)
            table.AddRow(Markup.Escape(report.Label(e.Codec)), Pct(e.BdRateRgbPsnr), e.BdPsnr is double p ? $"{p:+0.00;-0.00} dB" : "—", Pct(e.BdRateMsSsim), Markup.Escape(e.Note ?? ""));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"results: {Markup.Escape(report.MarkdownPath)}, rd-psnr.png, rd-msssim.png, summary.json");
        return 0;
    }

    private static string Pct(double? value) => value is double v ? $"{v:+0.0;-0.0} %" : "—";
}
