using EVC.Stream.Media;
using EVC.Stream.Model;
using EVC.Stream.Training;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream train</c>: variable-rate RD training of any architecture on an image folder, with checkpoints that
/// resume exactly (<c>--resume</c>), a progress bar (loss, bpp, PSNR, steps per second) and validation with real
/// entropy coding (actual <c>.bin</c> sizes) on evaluation images at every rate anchor.
/// </summary>
internal sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--arch <ARCH>")]
        [Description("Architecture to train from scratch. Default EVC_SS.")]
        public string Arch { get; init; } = "EVC_SS";

        [CommandOption("--init <FILE>")]
        [Description("Start from these weights instead of from scratch (official .pth.tar or .safetensors).")]
        public string? Init { get; init; }

        [CommandOption("--grow")]
        [Description("With --init: the weights are of a narrower architecture (e.g. a trained EVC_SS); grow them into --arch, new channels starting silent, for a mask-decay teacher")]
        public bool Grow { get; init; }

        [CommandOption("--data <DIR>")]
        [Description("Training images (default: ../shared/datasets/train).")]
        public string? Data { get; init; }

        [CommandOption("--val <DIR>")]
        [Description("Validation images (default: ../shared/datasets/kodak).")]
        public string? Val { get; init; }

        [CommandOption("--val-count <N>")]
        [Description("Validation images used (first N by name). Default 4.")]
        public int ValCount { get; init; } = 4;

        [CommandOption("--val-every <N>")]
        [Description("Validate every N steps (0: only at the end). Default 1000.")]
        public int ValEvery { get; init; } = 1000;

        [CommandOption("-o|--output <DIR>")]
        [Description("Checkpoint folder (model.safetensors, adam.bin, state.json, log.jsonl). Default train-<arch>.")]
        public string? Out { get; init; }

        [CommandOption("--resume")]
        [Description("Continue the run saved in --out.")]
        public bool Resume { get; init; }

        [CommandOption("--steps <N>")]
        [Description("Total steps of the run. Default 100000.")]
        public long Steps { get; init; } = 100_000;

        [CommandOption("--batch <N>")]
        [Description("Batch size. Default 4.")]
        public int Batch { get; init; } = 4;

        [CommandOption("--crop <N>")]
        [Description("Crop side (multiple of 64). Default 128.")]
        public int Crop { get; init; } = 128;

        [CommandOption("--augment <A>")]
        [Description("Crop augmentation: flips (default; random horizontal and vertical flips) or dihedral (flips and transposes: all 8 symmetries of the square).")]
        public string? Augment { get; init; }

        [CommandOption("--lr <LR>")]
        [Description("Adam learning rate (×0.1 after 80 % of the steps, ×0.01 after 95 %). Default 1e-4.")]
        public double LearningRate { get; init; } = 1e-4;

        [CommandOption("--lr-schedule <S>")]
        [Description("How the learning rate falls: step (default; ×0.1 after 80 % of the steps, ×0.01 after 95 %) or plateau (halved whenever a validation does not improve the validation RD cost by 0.2 %, down to 1/64; needs --val-every).")]
        public string? LrSchedule { get; init; }

        [CommandOption("--rate-weights <W>")]
        [Description("Rate-anchor balance: comma-separated relative weights of drawing each rate anchor for a sample, lowest rate first (e.g. 1,1,2,2). Default: uniform.")]
        public string? RateWeights { get; init; }

        /// <summary>--rate-weights parsed (null when absent or not numbers).</summary>
        internal double[]? ParsedRateWeights =>
            RateWeights is null ? null
            : RateWeights.Split(',', StringSplitOptions.TrimEntries).Select(w => double.TryParse(w, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN).ToArray();

        [CommandOption("--warmup <N>")]
        [Description("Steps of linear learning-rate warm-up (a fresh Adam's first updates are ±lr on every weight). Default: 1000 with --init, else 0.")]
        public long? Warmup { get; init; }

        [CommandOption("--precision <P>")]
        [Description("Number format of the networks' forward and backward: fp32, bf16 (float32 master weights and rate terms; needs a CPU with native bfloat16 to be fast; not with --student) or auto (default: bf16 on a CPU with native bfloat16, AVX512_BF16 or AMX, where a step is 1.74x faster with validation no worse, docs/training.md; fp32 elsewhere and for mask decay).")]
        public string Precision { get; init; } = "auto";

        /// <summary>--precision with auto resolved: bf16 on a CPU with native bfloat16 unless mask decay (fp32) runs.</summary>
        internal string EffectivePrecision =>
            Precision != "auto" ? Precision : Student is null && Model.Checkpoints.PrecisionChoice.CpuHasBf16 ? "bf16" : "fp32";

        [CommandOption("--save-every <N>")]
        [Description("Checkpoint every N steps. Default 500.")]
        public int SaveEvery { get; init; } = 500;

        [CommandOption("--seed <N>")]
        [Description("Seed of initialisation, data order and noise. Default 1.")]
        public int Seed { get; init; } = 1;

        [CommandOption("--workers <N>")]
        [Description("Data-parallel workers: the batch split over N threads with one libtorch thread each (faster than N libtorch threads on one step here). Needs bf16 (--precision auto on a CPU with native bfloat16, or bf16) and a --batch that N divides. Default 1.")]
        public int? Workers { get; init; }

        [CommandOption("--threads <N>")]
        [Description("CPU threads. Default: all cores.")]
        public int? Threads { get; init; }

        [CommandOption("--init-encoders <FILES>")]
        [Description("Residual representation learning: comma-separated weights (e.g. mask-decayed EVC_SS students) whose encoders become the scalable --arch's encoders; decoder and priors from the first")]
        public string? InitEncoders { get; init; }

        [CommandOption("--student <ARCH>")]
        [Description("Mask decay: decay the model (the teacher, from --init) into this smaller official architecture, then export out/student.safetensors")]
        public string? Student { get; init; }

        [CommandOption("--sparsity <RULE>")]
        [Description("Mask decay rule: paper (decay to exact zeros by --decay-steps), l1 or l2 (penalty baselines, RQ4). Default paper")]
        public string Sparsity { get; init; } = "paper";

        [CommandOption("--sparsity-weight <W>")]
        [Description("L1/L2 penalty weight per mask. Default 1e-3")]
        public double SparsityWeight { get; init; } = 1e-3;

        [CommandOption("--decay-steps <N>")]
        [Description("Paper rule: every mask is exactly zero by this step. Default: 80 % of --steps")]
        public long? DecaySteps { get; init; }

        public override ValidationResult Validate() =>
            Sparsity.ToLowerInvariant() is not ("paper" or "l1" or "l2") ? ValidationResult.Error("--sparsity must be paper, l1 or l2")
            : DecaySteps is < 1 || DecaySteps > Steps ? ValidationResult.Error("--decay-steps must be between 1 and --steps")
            : SparsityWeight < 0 ? ValidationResult.Error("--sparsity-weight must not be negative")
            : Init is not null && InitEncoders is not null ? ValidationResult.Error("give --init or --init-encoders, not both")
            : Grow && Init is null ? ValidationResult.Error("--grow needs --init (the narrower model to grow)")
            :
            Crop % 64 != 0 || Crop < 64 ? ValidationResult.Error("--crop must be a multiple of 64")
            : Batch < 1 || Steps < 1 || SaveEvery < 1 ? ValidationResult.Error("--batch, --steps and --save-every must be positive")
            : Augment is not (null or "flips" or "dihedral") ? ValidationResult.Error($"--augment must be flips or dihedral, not '{Augment}'")
            : Resume && Augment is not null ? ValidationResult.Error("--augment is part of the run: it cannot change on --resume")
            : Precision is not ("fp32" or "bf16" or "auto") ? ValidationResult.Error($"--precision must be fp32, bf16 or auto, not '{Precision}'")
            : Precision == "bf16" && Student is not null ? ValidationResult.Error("--precision bf16 does not combine with --student (mask decay trains in fp32)")
            : Workers is < 1 ? ValidationResult.Error("--workers must be at least 1")
            : Workers > 1 && EffectivePrecision != "bf16" ? ValidationResult.Error("--workers needs --precision bf16 (each worker runs a bf16 shadow)")
            : Workers > 1 && Batch % Workers != 0 ? ValidationResult.Error($"--batch {Batch} does not split over --workers {Workers}")
            : Resume && Workers is not null ? ValidationResult.Error("--workers is part of the run: it cannot change on --resume")
            : LrSchedule is not (null or "step" or "plateau") ? ValidationResult.Error($"--lr-schedule must be step or plateau, not '{LrSchedule}'")
            : LrSchedule == "plateau" && ValEvery == 0 ? ValidationResult.Error("--lr-schedule plateau needs validations: give --val-every a positive N")
            : Resume && LrSchedule is not null ? ValidationResult.Error("--lr-schedule is part of the run: it cannot change on --resume")
            : ParsedRateWeights is double[] weights && (weights.Length != Model.Models.QScale.AnchorCount || weights.Any(w => !double.IsFinite(w) || w < 0) || weights.Sum() <= 0)
                ? ValidationResult.Error($"--rate-weights must be {Model.Models.QScale.AnchorCount} comma-separated weights, not negative and not all zero (e.g. 1,1,2,2), not '{RateWeights}'")
            : Resume && RateWeights is not null ? ValidationResult.Error("--rate-weights is part of the run: it cannot change on --resume")
            : Warmup is < 0 || Warmup > Steps ? ValidationResult.Error("--warmup must be between 0 and --steps")
            : Resume && Warmup is not null ? ValidationResult.Error("--warmup is part of the run: it cannot change on --resume")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        ExecuteAsync(settings, cancellationToken).GetAwaiter().GetResult();

    private static async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        string kit = ReferenceKit.Find(null) ?? ".";
        string data = settings.Data ?? ReferenceKit.Dataset(kit, "train");
        string val = settings.Val ?? ReferenceKit.Dataset(kit, "kodak");
        string output = settings.Out ?? $"train-{settings.Arch}";
        // Data-parallel workers run libtorch on one thread each (the trainer sets it too).
        TrainingSetup.ConfigureRuntime(settings.Workers > 1 ? 1 : settings.Threads ?? Environment.ProcessorCount);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;  // save a checkpoint instead of dying
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;  // SIGTERM too: checkpoint, then stop
            stop.Cancel();
        });
        RdTrainer trainer;
        if (settings.Resume)
            trainer = RdTrainer.Resume(output, data);
        else
        {
            if (File.Exists(Path.Combine(output, "state.json")))
                throw new ArgumentException($"{output} already holds a run: pass --resume to continue it, or another --out");
            EvcModel model = TrainingSetup.CreateModel(new TrainingModelOptions
            {
                Architecture = settings.Arch,
                Init = settings.Init,
                Grow = settings.Grow,
                InitEncoders = settings.InitEncoders?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Seed = settings.Seed,
            }, line => AnsiConsole.MarkupLine(Markup.Escape(line)));
            trainer = RdTrainer.Start(model, new TrainingOptions
            {
                BatchSize = settings.Batch,
                CropSize = settings.Crop,
                Augmentation = settings.Augment == "dihedral" ? CropAugmentation.Dihedral : CropAugmentation.Flips,
                LearningRate = settings.LearningRate,
                Schedule = settings.LrSchedule == "plateau" ? LearningRateSchedule.Plateau : LearningRateSchedule.Step,
                RateWeights = settings.ParsedRateWeights,
                TotalSteps = settings.Steps,
                Precision = settings.EffectivePrecision == "bf16" ? Model.Checkpoints.Precision.Bf16 : Model.Checkpoints.Precision.Fp32,
                Workers = settings.Workers ?? 1,
                WarmupSteps = settings.Warmup ?? (settings.Init is not null ? Math.Min(1000, settings.Steps) : 0),
                Seed = settings.Seed,
                Student = settings.Student,
                Sparsity = Enum.Parse<SparsityKind>(settings.Sparsity, ignoreCase: true),
                SparsityWeight = settings.SparsityWeight,
                DecaySteps = settings.DecaySteps ?? Math.Max(1, settings.Steps * 4 / 5),
            }, data);
        }
        await using (trainer.ConfigureAwait(false))
        {
            var log = new TrainingLog(Path.Combine(output, "log.jsonl"));
            var validator = new TrainingValidator(val, settings.ValCount, log);
            Directory.CreateDirectory(output);
            AnsiConsole.MarkupLine(Markup.Escape($"training {trainer.Model.Architecture.Name} on {data}: step {trainer.Step} of {trainer.Options.TotalSteps}, batch {trainer.Options.BatchSize}, {trainer.Options.CropSize}x{trainer.Options.CropSize} crops → {output} (Ctrl+C saves and stops; --resume continues)"));
            if (!trainer.ChannelsLast)
                AnsiConsole.MarkupLine("[grey]channels-last activations off: this libtorch's channels-last convolutions disagree with its NCHW ones on this CPU (slower steps, the right network)[/]");
            var progress = new TrainingProgress(trainer);
            long lastValidated = -1;
            // Synchronous on this thread, the one that built the model (see RdTrainer.TrainStep).
            AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    ProgressTask task = context.AddTask("training", maxValue: trainer.Options.TotalSteps);
                    task.Value = trainer.Step;
                    while (trainer.Step < trainer.Options.TotalSteps && !stop.IsCancellationRequested)
                    {
                        TrainingProgressReport report = progress.Step();
                        task.Value = trainer.Step;
                        task.Description = string.Create(CultureInfo.InvariantCulture, $"step {report.Step}: loss {report.Loss:F3}, {report.Bpp:F3} bpp, {report.Psnr:F2} dB, {report.StepsPerSecond:F2} it/s{MaskSummary(report.Masks)}");
                        if (trainer.Step % settings.SaveEvery == 0)
                        {
                            trainer.Save(output);
                            log.AppendMasks(trainer);
                        }
                        if (settings.ValEvery > 0 && trainer.Step % settings.ValEvery == 0)
                        {
                            ObserveValidation(trainer, Validate(validator, trainer.Model, trainer.Step, student: false));
                            lastValidated = trainer.Step;
                        }
                    }
                });
            trainer.Save(output);
            AnsiConsole.MarkupLine(Markup.Escape($"checkpoint at step {trainer.Step}: {output}"));
            // At the end, unless the loop has just validated this very step (one log row per step).
            if ((trainer.Step >= trainer.Options.TotalSteps || settings.ValEvery == 0) && lastValidated != trainer.Step)
                Validate(validator, trainer.Model, trainer.Step, student: false);
            if (trainer.MaskDecay is not null && trainer.Step >= trainer.Options.TotalSteps)
            {
                log.AppendMasks(trainer);
                var (zero, largest, small) = trainer.MaskDecay.Statistics();
                string studentPath = Path.Combine(output, "student.safetensors");
                long forced = trainer.ExportStudent(studentPath);
                AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"mask decay ({trainer.Options.Sparsity}): {zero} of {trainer.MaskDecay.MaskedChannels} masks exactly zero, {small} below 1e-3, largest {largest:G3}; {forced} forced to zero by pruning")));
                AnsiConsole.MarkupLine(Markup.Escape($"student {trainer.Options.Student} → {studentPath}; fine-tune: evcstream train --init {studentPath} --arch {trainer.Options.Student} -o {output}-ft"));
                using EvcModel student = WeightsFile.Load(studentPath, trainer.Options.Student!);
                Validate(validator, student, trainer.Step, student: true);
            }
        }
        Console.CancelKeyPress -= onCancel;
        return 0;
    }

    private static string MaskSummary(MaskStatus? masks) =>
        masks is null ? "" : string.Create(CultureInfo.InvariantCulture, $", masks zero {masks.Zero}/{masks.Masked}, max {masks.Largest:F3}");

    /// <summary>The plateau schedule hears the validation; a cut of the learning rate gets its line.</summary>
    private static void ObserveValidation(RdTrainer trainer, IReadOnlyList<ValidationPoint> points)
    {
        if (trainer.ObserveValidation(points))
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"[yellow]validation RD cost {LearningRatePlateau.Cost(points):F4} did not improve on {trainer.Plateau.Best:F4}: learning rate ×{LearningRatePlateau.Factor} → {trainer.LearningRate:G3}[/]"));
    }

    /// <summary>Real coding of the validation images at every anchor, one grey line per anchor as it is measured.</summary>
    private static IReadOnlyList<ValidationPoint> Validate(TrainingValidator validator, EvcModel model, long step, bool student)
    {
        string label = student ? "student, after pruning: " : "";
        bool scalable = model.EncoderLevels > 1;
        return validator.Validate(model, step, student, point =>
        {
            string levelLabel = scalable ? $", level {point.Level}" : "";
            AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[grey]{Markup.Escape(label)}validation step {step}{levelLabel}, rate {point.Rate}: {point.Bpp:F4} bpp, {point.Psnr:F2} dB ({point.Images} images, real .bin sizes)[/]"));
        });
    }
}
