namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench pipeline</c>: (1) at 1920x1080, the throughput of everything but the networks — encode side
/// (FFmpeg capture, conversion, entropy coding of a realistic latent, muxing) and decode side (demux, entropy decoding,
/// conversion, output into FFmpeg) — with the networks replaced by stubs that hand over the kit's recorded symbols;
/// (2) end to end with the real EVC_SS at a CPU-feasible size; (3) optionally RSS over a long run.
/// </summary>
internal sealed class PipelineBenchCommand : Command<PipelineBenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-s|--size <WxH>")]
        [Description("Frame size of the stubbed-network runs. Default 1920x1080.")]
        public string Size { get; init; } = "1920x1080";

        [CommandOption("--frames <N>")]
        [Description("Frames per stubbed-network run (0 skips them). Default 300.")]
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

        [CommandOption("--frame-threads <LIST>")]
        [Description("Frame-parallel comparison instead of the single end-to-end run: worker counts such as 1,2. Each round captures (source unpaced) and decodes at --e2e-size with every count in turn, each worker on cores/N torch threads; medians over --repeat rounds.")]
        public string? FrameThreads { get; init; }

        [CommandOption("--repeat <N>")]
        [Description("Rounds of the --frame-threads comparison. Default 3.")]
        public int Repeat { get; init; } = 3;

        [CommandOption("--json")]
        [Description("Print JSON.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        (int width, int height) = SizeOption.Parse(settings.Size);
        (int e2eWidth, int e2eHeight) = SizeOption.Parse(settings.EndToEndSize);
        IProgress<string>? progress = settings.Json ? null : new CallbackProgress<string>(text => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(text)}[/]"));
        PipelineBenchmarkResult outcome = PipelineBenchmark.RunAsync(new PipelineBenchmarkOptions
        {
            Width = width,
            Height = height,
            Frames = settings.Frames,
            EndToEndWidth = e2eWidth,
            EndToEndHeight = e2eHeight,
            EndToEndFrames = settings.EndToEndFrames,
            RssFrames = settings.RssFrames,
            FrameWorkers = settings.FrameThreads is null ? [] : ParseWorkers(settings.FrameThreads),
            Repeat = settings.Repeat,
        }, progress, cancellationToken).GetAwaiter().GetResult();
        List<PipelineRunResult> results = outcome.Runs;
        List<double> rss = outcome.RssMib;

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { benchmark = "pipeline", cores = Environment.ProcessorCount, target_fps = 60, results, rss_mib_every_100_frames = rss, frame_parallel = outcome.FrameParallel }, JsonOutput.Options));
            return 0;
        }
        foreach (PipelineRunResult r in results)
        {
            var table = new Table().Title($"[bold]{Markup.Escape(r.Run)}: {r.Frame}, {r.Frames} frames in {r.Seconds:F1} s = {r.Fps:F1} fps{(r.Dropped > 0 ? $", {r.Dropped} dropped" : "")}[/]")
                .AddColumn("stage").AddColumn(new TableColumn("p50 ms").RightAligned()).AddColumn(new TableColumn("p95 ms").RightAligned())
                .AddColumn(new TableColumn("p99 ms").RightAligned()).AddColumn(new TableColumn("max ms").RightAligned());
            foreach (StageSnapshot s in r.Stages)
                table.AddRow(Markup.Escape(s.Stage), F(s.P50Ms), F(s.P95Ms), F(s.P99Ms), F(s.MaxMs));
            AnsiConsole.Write(table);
        }
        if (outcome.FrameParallel.Count > 0)
        {
            var table = new Table().Title($"[bold]frame-parallel coding, EVC_SS end to end, {Environment.ProcessorCount} cores: fps, median of {settings.Repeat} (each round)[/]")
                .AddColumn("frame workers × threads").AddColumn("frame").AddColumn(new TableColumn("capture fps").RightAligned()).AddColumn(new TableColumn("decode fps").RightAligned());
            foreach (FrameParallelResult r in outcome.FrameParallel)
                table.AddRow($"{r.Workers} × {r.ThreadsPerWorker}", r.Frame, $"{F(r.CaptureMedianFps, "F2")} ({string.Join(", ", r.CaptureFps.Select(v => F(v, "F2")))})",
                    $"{F(r.DecodeMedianFps, "F2")} ({string.Join(", ", r.DecodeFps.Select(v => F(v, "F2")))})");
            AnsiConsole.Write(table);
        }
        if (rss.Count > 0)
            AnsiConsole.MarkupLine($"RSS every 100 frames (MiB): {string.Join(", ", rss.Select(v => F(v)))}");
        return 0;
    }

    private static string F(double value, string format = "F1") => value.ToString(format, CultureInfo.InvariantCulture);

    private static int[] ParseWorkers(string list)
    {
        int[] workers = [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(item => int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= FrameParallelism.MaxWorkers
                ? n : throw new UsageException($"--frame-threads {list}: give worker counts 1..{FrameParallelism.MaxWorkers}, such as 1,2"))];
        return workers.Length > 0 ? workers : throw new UsageException($"--frame-threads {list}: give worker counts such as 1,2");
    }
}
