using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using EVC.Stream.Benchmarks;
using EVC.Stream.Media;
using EVC.Stream.Model;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using EVC.Stream.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;
using EVC.Stream.Imaging;

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

        [CommandOption("--lr <LR>")]
        [Description("Adam learning rate (×0.1 after 80 % of the steps, ×0.01 after 95 %). Default 1e-4.")]
        public double LearningRate { get; init; } = 1e-4;

        [CommandOption("--save-every <N>")]
        [Description("Checkpoint every N steps. Default 500.")]
        public int SaveEvery { get; init; } = 500;

        [CommandOption("--seed <N>")]
        [Description("Seed of initialisation, data order and noise. Default 1.")]
        public int Seed { get; init; } = 1;

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
        set_num_threads(settings.Threads ?? Environment.ProcessorCount);
        TorchRuntime.RetainFreedMemory();  // no page faults on every step's activations

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
            manual_seed(settings.Seed);
            EvcModel model;
            if (settings.InitEncoders is not null)
            {
                EvcModel[] encoders = [.. settings.InitEncoders.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(f => WeightsFile.Load(f, null))];
                model = ResidualRepresentationLearning.Assemble(EvcArchitecture.Get(settings.Arch), encoders);
                foreach (EvcModel encoder in encoders)
                    encoder.Dispose();
            }
            else
            {
                if (settings.Init is null)
                    model = new EvcModel(EvcArchitecture.Get(settings.Arch));
                else if (settings.Grow)
                {
                    using EvcModel narrow = WeightsFile.Load(settings.Init, null);
                    model = MaskDecay.GrowTeacher(narrow, EvcArchitecture.Get(settings.Arch));
                    AnsiConsole.MarkupLine(Markup.Escape($"grew {narrow.Architecture.Name} ({settings.Init}) into {settings.Arch}: the extra channels start silent"));
                }
                else
                    model = WeightsFile.Load(settings.Init, settings.Arch);
            }
            if (settings.Init is null && settings.InitEncoders is null)
            {
                // From scratch the anchors start spread as a trained model's are (kit EVC_SS: 1.59 … 0.55), so the four
                // λ pull apart from the first step; they remain learnable.
                using var noGrad = no_grad();
                double[] initial = [1.6, 1.15, 0.8, 0.55];
                model.QScaleAnchors.copy_(tensor(initial.Take((int)model.QScaleAnchors.shape[0]).Select(v => (float)v).ToArray()).view(-1, 1, 1, 1));
            }
            trainer = RdTrainer.Start(model, new TrainingOptions
            {
                BatchSize = settings.Batch,
                CropSize = settings.Crop,
                LearningRate = settings.LearningRate,
                TotalSteps = settings.Steps,
                Seed = settings.Seed,
                Student = settings.Student,
                Sparsity = Enum.Parse<SparsityKind>(settings.Sparsity, ignoreCase: true),
                SparsityWeight = settings.SparsityWeight,
                DecaySteps = settings.DecaySteps ?? Math.Max(1, settings.Steps * 4 / 5),
            }, data);
        }
        await using (trainer.ConfigureAwait(false))
        {
            string log = Path.Combine(output, "log.jsonl");
            Directory.CreateDirectory(output);
            AnsiConsole.MarkupLine(Markup.Escape($"training {trainer.Model.Architecture.Name} on {data}: step {trainer.Step} of {trainer.Options.TotalSteps}, batch {trainer.Options.BatchSize}, {trainer.Options.CropSize}x{trainer.Options.CropSize} crops → {output} (Ctrl+C saves and stops; --resume continues)"));
            long start = Stopwatch.GetTimestamp();
            long startStep = trainer.Step;
            double loss = 0, bpp = 0, psnr = 0;
            // Synchronous on this thread, the one that built the model (see RdTrainer.TrainStep).
            AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(progress =>
                {
                    ProgressTask task = progress.AddTask("training", maxValue: trainer.Options.TotalSteps);
                    task.Value = trainer.Step;
                    while (trainer.Step < trainer.Options.TotalSteps && !stop.IsCancellationRequested)
                    {
                        VariableRateRdObjective.Result result = trainer.TrainStep(CancellationToken.None);
                        double value = result.Loss.item<float>();
                        result.Loss.Dispose();
                        (loss, bpp, psnr) = Smooth(trainer.Step - startStep, (loss, bpp, psnr), (value, result.Bpp, result.Psnr));
                        double rate = (trainer.Step - startStep) / Stopwatch.GetElapsedTime(start).TotalSeconds;
                        task.Value = trainer.Step;
                        task.Description = string.Create(CultureInfo.InvariantCulture, $"step {trainer.Step}: loss {loss:F3}, {bpp:F3} bpp, {psnr:F2} dB, {rate:F2} it/s{MaskSummary(trainer)}");
                        if (trainer.Step % settings.SaveEvery == 0)
                        {
                            trainer.Save(output);
                            LogMasks(trainer, log);
                        }
                        if (settings.ValEvery > 0 && trainer.Step % settings.ValEvery == 0)
                            Validate(trainer.Model, trainer.Step, val, settings.ValCount, log, "");
                    }
                });
            trainer.Save(output);
            AnsiConsole.MarkupLine(Markup.Escape($"checkpoint at step {trainer.Step}: {output}"));
            if (trainer.Step >= trainer.Options.TotalSteps || settings.ValEvery == 0)
                Validate(trainer.Model, trainer.Step, val, settings.ValCount, log, "");
            if (trainer.MaskDecay is not null && trainer.Step >= trainer.Options.TotalSteps)
            {
                LogMasks(trainer, log);
                var (zero, largest, small) = trainer.MaskDecay.Statistics();
                string studentPath = Path.Combine(output, "student.safetensors");
                long forced = trainer.ExportStudent(studentPath);
                AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"mask decay ({trainer.Options.Sparsity}): {zero} of {trainer.MaskDecay.MaskedChannels} masks exactly zero, {small} below 1e-3, largest {largest:G3}; {forced} forced to zero by pruning")));
                AnsiConsole.MarkupLine(Markup.Escape($"student {trainer.Options.Student} → {studentPath}; fine-tune: evcstream train --init {studentPath} --arch {trainer.Options.Student} -o {output}-ft"));
                using EvcModel student = WeightsFile.Load(studentPath, trainer.Options.Student!);
                Validate(student, trainer.Step, val, settings.ValCount, log, "student, after pruning: ");
            }
        }
        Console.CancelKeyPress -= onCancel;
        return 0;
    }

    private static (double, double, double) Smooth(long n, (double, double, double) average, (double, double, double) value)
    {
        double k = n <= 1 ? 1 : 0.05;  // exponential moving average over ~20 steps
        return (average.Item1 + k * (value.Item1 - average.Item1), average.Item2 + k * (value.Item2 - average.Item2), average.Item3 + k * (value.Item3 - average.Item3));
    }

    private static string MaskSummary(RdTrainer trainer)
    {
        if (trainer.MaskDecay is null || trainer.Step % 10 != 0 && trainer.Step > 1)
            return _lastMaskSummary;
        var (zero, largest, _) = trainer.MaskDecay.Statistics();
        _lastMaskSummary = string.Create(CultureInfo.InvariantCulture, $", masks zero {zero}/{trainer.MaskDecay.MaskedChannels}, max {largest:F3}");
        return _lastMaskSummary;
    }

    private static string _lastMaskSummary = "";

    private static void LogMasks(RdTrainer trainer, string log)
    {
        if (trainer.MaskDecay is null)
            return;
        var (zero, largest, small) = trainer.MaskDecay.Statistics();
        File.AppendAllText(log, string.Create(CultureInfo.InvariantCulture,
            $"{{\"step\":{trainer.Step},\"sparsity\":\"{trainer.Options.Sparsity}\",\"masks\":{trainer.MaskDecay.MaskedChannels},\"masks_zero\":{zero},\"masks_below_1e-3\":{small},\"largest_mask\":{largest}}}\n"));
    }

    /// <summary>Real coding of the validation images at every anchor: actual .bin sizes and RGB PSNR, appended to log.jsonl.</summary>
    private static void Validate(EvcModel model, long step, string folder, int count, string log, string label)
    {
        string[] files = Directory.GetFiles(folder, "*.png");
        Array.Sort(files, StringComparer.Ordinal);
        files = files[..Math.Min(count, files.Length)];
        model.eval();
        model.RefreshTables();  // the z table follows the trained bit estimator
        var codec = new ImageCodec(model, StreamMode.Deterministic);
        PlanarImage[] images = [.. files.Select(PlanarImage.LoadPng)];  // decoded once for all anchors
        byte[][] originals = [.. images.Select(i => i.ToRgb24())];
        var points = new List<string>();
        // Scalable models (residual representation learning): every encoder level, lowest first.
        int levels = model.EncoderLevels;
        int[] codedLevels = levels > 1 ? [.. Enumerable.Range(0, levels)] : [-1];
        foreach (int level in codedLevels)
        {
            string levelLabel = levels > 1 ? $", level {level}" : "";
            string levelField = levels > 1 ? string.Create(CultureInfo.InvariantCulture, $"\"level\":{level},") : "";
            for (int rate = 0; rate < model.QScaleAnchors.shape[0]; rate++)
            {
                double bits = 0, pixels = 0, psnr = 0;
                for (int i = 0; i < images.Length; i++)
                {
                    PlanarImage image = images[i];
                    using var scope = NewDisposeScope();
                    Tensor x = ImageCodec.Pad(tensor(image.Data, new long[] { 1, 3, image.Height, image.Width }).to(model.QBasic.device));
                    byte[] bin = codec.Compress(x, image.Height, image.Width, model.Anchor(rate), level, out _);
                    Tensor xHat = codec.Decompress(bin, out int height, out int width).narrow(2, 0, height).narrow(3, 0, width).contiguous().cpu();
                    byte[] rgb = new PlanarImage(width, height, xHat.data<float>().ToArray()).ToRgb24();
                    bits += bin.Length * 8.0;
                    pixels += (double)width * height;
                    psnr += PlanarImage.Psnr(originals[i], rgb);
                }
                points.Add(string.Create(CultureInfo.InvariantCulture, $"{{{levelField}\"rate\":{rate},\"q_scale\":{model.Anchor(rate)},\"bpp\":{bits / pixels},\"psnr\":{psnr / files.Length}}}"));
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[grey]{Markup.Escape(label)}validation step {step}{levelLabel}, rate {rate}: {bits / pixels:F4} bpp, {psnr / files.Length:F2} dB ({files.Length} images, real .bin sizes)[/]"));
            }
        }
        File.AppendAllText(log, string.Create(CultureInfo.InvariantCulture, $"{{\"step\":{step},\"model\":\"{(label.Length == 0 ? "trained" : "student")}\",\"validation\":[{string.Join(',', points)}]}}\n"));
        model.train();
    }
}
