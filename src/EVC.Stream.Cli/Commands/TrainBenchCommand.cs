namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench train</c>: seconds per variable-rate RD training step (forward, backward, gradient clipping,
/// Adam) in the setting where PyTorch 1.13 takes about 0.33 s on this machine (EVC_SS, batch 4, 128x128 crops,
/// 2 threads); with PyTorch installed, times the same step in PyTorch in alternating rounds and reports the median of the
/// rounds' ratios, else the ratio to that figure.
/// </summary>
internal sealed class TrainBenchCommand : Command<TrainBenchCommand.Settings>
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--arch <ARCH>")]
        [Description("Architecture. Default EVC_SS.")]
        public string Arch { get; init; } = "EVC_SS";

        [CommandOption("--batch <N>")]
        [Description("Batch size. Default 4.")]
        public int Batch { get; init; } = 4;

        [CommandOption("--crop <N>")]
        [Description("Crop side. Default 128.")]
        public int Crop { get; init; } = 128;

        [CommandOption("--steps <N>")]
        [Description("Measured steps per round (the first round adds 3 warm-up steps). Default 10.")]
        public int Steps { get; init; } = 10;

        [CommandOption("--rounds <N>")]
        [Description("Rounds of ours then PyTorch's steps; the ratio is the median of the rounds' ratios. Default 5.")]
        public int Rounds { get; init; } = 5;

        [CommandOption("--threads <N>")]
        [Description("CPU threads. Default 2 (the PyTorch figure's setting).")]
        public int Threads { get; init; } = 2;

        [CommandOption("--data <DIR>")]
        [Description("Training images (default: ../shared/datasets/train).")]
        public string? Data { get; init; }

        [CommandOption("--pytorch <MODE>")]
        [Description("auto (default): also time the same step in PyTorch (tools/pytorch/train_step_bench.py) when python3 with torch is installed, for a side-by-side ratio; off: compare with the issue's 0.33 s figure.")]
        public string PyTorch { get; init; } = "auto";

        [CommandOption("--precision <P>")]
        [Description("fp32 (default), bf16, or both: fp32 and bf16 mixed precision (float32 master weights) timed in turn every round, from the same weights and data, with bf16's speed-up.")]
        public string Precision { get; init; } = "fp32";

        [CommandOption("--workers <N>")]
        [Description("Also time a bf16 run whose batch is split over N data-parallel threads (one libtorch thread each), every round, with its speed-up over the single bf16 run (train --workers). Default 1: not timed.")]
        public int Workers { get; init; } = 1;

        [CommandOption("--json")]
        [Description("Print JSON.")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            Steps < 1 || Rounds < 1 || Batch < 1 || Threads < 1 ? ValidationResult.Error("--steps, --rounds, --batch and --threads must be positive")
            : Crop < 64 || Crop % 64 != 0 ? ValidationResult.Error("--crop must be a multiple of 64")
            : Precision is not ("fp32" or "bf16" or "both") ? ValidationResult.Error($"--precision must be fp32, bf16 or both, not '{Precision}'")
            : Workers < 1 ? ValidationResult.Error("--workers must be at least 1")
            : Workers > 1 && Batch % Workers != 0 ? ValidationResult.Error($"--batch {Batch} does not split over --workers {Workers}")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string data = settings.Data ?? ReferenceKit.Dataset(ReferenceKit.Find(null) ?? throw new DirectoryNotFoundException("reference kit not found: give --data DIR"), "train");
        IProgress<TrainBenchmarkStep>? steps = settings.Json ? null : new CallbackProgress<TrainBenchmarkStep>(s => AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[grey]round {s.Round}, step {s.Step}/{s.Steps}{(s.WarmUp ? " (warm-up)" : "")}: {s.Seconds:F3} s, loss {s.Loss:F3}[/]")));
        IProgress<TrainBenchmarkRound>? rounds = settings.Json ? null : new CallbackProgress<TrainBenchmarkRound>(r => AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"round {r.Round}/{r.Rounds}: ours {r.MedianSeconds:F3} s{(r.PyTorchSeconds is double t ? $", PyTorch {t:F3} s, ratio {r.MedianSeconds / t:F2}" : "")}")));
        TrainBenchmarkResult result = TrainBenchmark.RunAsync(new TrainBenchmarkOptions
        {
            Arch = settings.Arch,
            Batch = settings.Batch,
            Crop = settings.Crop,
            Steps = settings.Steps,
            Rounds = settings.Rounds,
            Threads = settings.Threads,
            Data = data,
            Workers = settings.Workers,
            PyTorch = settings.PyTorch != "off",
            Precisions = settings.Precision switch
            {
                "both" => [Model.Checkpoints.Precision.Fp32, Model.Checkpoints.Precision.Bf16],
                "bf16" => [Model.Checkpoints.Precision.Bf16],
                _ => [Model.Checkpoints.Precision.Fp32],
            },
        }, steps, rounds, cancellationToken).GetAwaiter().GetResult();

        string source = result.PyTorchMeasuredSideBySide ? $"PyTorch measured side by side in {result.PyTorchRounds} rounds" : "the issue's figure for PyTorch 1.13 here";
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "train",
                arch = settings.Arch,
                batch = settings.Batch,
                crop = settings.Crop,
                threads = settings.Threads,
                rounds = settings.Rounds,
                steps = result.StepSeconds.Count,
                median_step_seconds = result.MedianStepSeconds,
                pytorch_step_seconds = result.PyTorchStepSeconds,
                pytorch_measured_side_by_side = result.PyTorchMeasuredSideBySide,
                round_ratios = result.RoundRatios,
                ratio = result.Ratio,
                precision = settings.Precision,
                bf16_step_seconds = result.Bf16StepSeconds,
                bf16_median_step_seconds = result.Bf16StepSeconds.Count > 0 ? BenchmarkMath.Median([.. result.Bf16StepSeconds]) : (double?)null,
                bf16_speedup = result.Bf16Speedup,
                workers = settings.Workers,
                workers_step_seconds = result.WorkersStepSeconds,
                workers_median_step_seconds = result.WorkersStepSeconds.Count > 0 ? BenchmarkMath.Median([.. result.WorkersStepSeconds]) : (double?)null,
                workers_speedup = result.WorkersSpeedup,
            }, s_json));
            return 0;
        }
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{settings.Arch}, batch {settings.Batch}, {settings.Crop}x{settings.Crop}, {settings.Threads} threads: median {result.MedianStepSeconds:F3} s per step over {result.StepSeconds.Count} steps; {source}: {result.PyTorchStepSeconds:F3} s → ratio {result.Ratio:F2} (median of the rounds' ratios; target ≤ 1.0)"));
        if (result.Bf16Speedup is double speedup)
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"bf16 mixed precision: median {BenchmarkMath.Median([.. result.Bf16StepSeconds]):F3} s per step; speed-up over fp32 {speedup:F2}x (median of the rounds' ratios)"));
        if (result.WorkersSpeedup is double parallel)
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"bf16 over {settings.Workers} data-parallel workers: median {BenchmarkMath.Median([.. result.WorkersStepSeconds]):F3} s per step; speed-up over the single bf16 run {parallel:F2}x (median of the rounds' ratios)"));
        return 0;
    }
}
