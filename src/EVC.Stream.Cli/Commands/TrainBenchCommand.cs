using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EVC.Stream.Cli.Benchmarks;
using EVC.Stream.Model;
using EVC.Stream.Model.Models;
using EVC.Stream.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench train</c>: seconds per variable-rate RD training step (forward, backward, gradient clipping,
/// Adam) in the setting where PyTorch 1.13 takes about 0.33 s on this machine (EVC_SS, batch 4, 128x128 crops,
/// 2 threads); with PyTorch installed, times the same step in PyTorch in alternating rounds and reports the median of the
/// rounds' ratios, else the ratio to that figure.
/// </summary>
internal sealed class TrainBenchCommand : Command<TrainBenchCommand.Settings>
{
    /// <summary>PyTorch 1.13's step time in the same setting, as measured on this machine (the training issue).</summary>
    private const double PyTorchSeconds = 0.33;

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

        [CommandOption("--json")]
        [Description("Print JSON.")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            Steps < 1 || Rounds < 1 || Batch < 1 || Threads < 1 ? ValidationResult.Error("--steps, --rounds, --batch and --threads must be positive")
            : Crop < 64 || Crop % 64 != 0 ? ValidationResult.Error("--crop must be a multiple of 64")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        ExecuteAsync(settings, cancellationToken).GetAwaiter().GetResult();

    private static async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        string data = settings.Data ?? ReferenceKit.Dataset(ReferenceKit.Find(null) ?? throw new DirectoryNotFoundException("reference kit not found: give --data DIR"), "train");
        set_num_threads(settings.Threads);
        TorchRuntime.RetainFreedMemory();  // no page faults on every step's activations
        manual_seed(1);
        var options = new TrainingOptions { BatchSize = settings.Batch, CropSize = settings.Crop, TotalSteps = 3 + (long)settings.Steps * settings.Rounds };
        await using RdTrainer trainer = RdTrainer.Start(new EvcModel(EvcArchitecture.Get(settings.Arch)), options, data);
        bool pytorch = settings.PyTorch != "off" && settings.Arch == "EVC_SS";
        // Rounds alternate ours and PyTorch's, so a slow spell of this shared machine lands on both sides of a ratio.
        var ours = new List<double>();
        var theirs = new List<double>();
        var ratios = new List<double>();
        for (int round = 0; round < settings.Rounds; round++)
        {
            List<double> times = TimeSteps(trainer, settings, warmUp: round == 0 ? 3 : 0, round, cancellationToken);
            double median = BenchmarkMath.Median([.. times]);
            ours.AddRange(times);
            double? measured = pytorch ? MeasurePyTorch(settings) : null;
            pytorch = measured is not null;
            if (measured is double seconds)
            {
                theirs.Add(seconds);
                ratios.Add(median / seconds);
            }
            if (!settings.Json)
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {round + 1}/{settings.Rounds}: ours {median:F3} s{(measured is double t ? $", PyTorch {t:F3} s, ratio {median / t:F2}" : "")}"));
        }
        double oursMedian = BenchmarkMath.Median([.. ours]);
        double reference = theirs.Count > 0 ? BenchmarkMath.Median([.. theirs]) : PyTorchSeconds;
        double ratio = ratios.Count > 0 ? BenchmarkMath.Median([.. ratios]) : oursMedian / PyTorchSeconds;
        string source = theirs.Count > 0 ? $"PyTorch measured side by side in {theirs.Count} rounds" : "the issue's figure for PyTorch 1.13 here";
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
                steps = ours.Count,
                median_step_seconds = oursMedian,
                pytorch_step_seconds = reference,
                pytorch_measured_side_by_side = theirs.Count > 0,
                round_ratios = ratios,
                ratio,
            }, s_json));
            return 0;
        }
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{settings.Arch}, batch {settings.Batch}, {settings.Crop}x{settings.Crop}, {settings.Threads} threads: median {oursMedian:F3} s per step over {ours.Count} steps; {source}: {reference:F3} s → ratio {ratio:F2} (median of the rounds' ratios; target ≤ 1.0)"));
        return 0;
    }

    /// <summary>Times <see cref="Settings.Steps"/> training steps (after <paramref name="warmUp"/> untimed ones).</summary>
    private static List<double> TimeSteps(RdTrainer trainer, Settings settings, int warmUp, int round, CancellationToken cancellationToken)
    {
        var times = new List<double>(settings.Steps);
        for (int step = 0; step < settings.Steps + warmUp; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var waited = Stopwatch.StartNew();
            while (trainer.BatchesReady == 0)
            {
                // Time the step, not the data; and stay on the thread that built the model.
                cancellationToken.ThrowIfCancellationRequested();
                if (waited.Elapsed > TimeSpan.FromMinutes(2))
                    throw new TimeoutException("the data loader produced no batch for 2 minutes");
                Thread.Sleep(5);
            }
            long start = Stopwatch.GetTimestamp();
            VariableRateRdObjective.Result result = trainer.TrainStep(cancellationToken);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double loss = result.Loss.item<float>();
            result.Loss.Dispose();
            if (step >= warmUp)
                times.Add(seconds);
            if (!settings.Json)
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"[grey]round {round + 1}, step {step + 1}/{settings.Steps + warmUp}{(step < warmUp ? " (warm-up)" : "")}: {seconds:F3} s, loss {loss:F3}[/]"));
        }
        return times;
    }

    /// <summary>Runs tools/pytorch/train_step_bench.py with the same settings (after ours, never concurrently); null when unavailable.</summary>
    private static double? MeasurePyTorch(Settings settings)
    {
        string? script = null;
        for (var folder = new DirectoryInfo(Environment.CurrentDirectory); folder is not null && script is null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "tools", "pytorch", "train_step_bench.py");
            if (File.Exists(candidate))
                script = candidate;
        }
        if (script is null)
            return null;
        // The first python that has torch (Debian's python3-torch lives in /usr/bin/python3 even under pyenv).
        foreach (string python in new[] { "python3", "/usr/bin/python3" })
        {
            double? seconds = RunPyTorch(python, script, settings);
            if (seconds is not null)
                return seconds;
        }
        return null;
    }

    private static double? RunPyTorch(string python, string script, Settings settings)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { script, "--threads", $"{settings.Threads}", "--batch", $"{settings.Batch}", "--crop", $"{settings.Crop}", "--steps", $"{settings.Steps}" })
            start.ArgumentList.Add(argument);
        try
        {
            using Process process = Process.Start(start)!;
            Task<string> stderr = process.StandardError.ReadToEndAsync();  // both pipes drained: no deadlock
            string stdout = process.StandardOutput.ReadToEnd();
            stderr.GetAwaiter().GetResult();
            process.WaitForExit();
            if (process.ExitCode != 0)
                return null;  // no torch in this python: fall back to the figure
            using JsonDocument result = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
            return result.RootElement.GetProperty("median_s").GetDouble();
        }
        catch (JsonException)
        {
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;  // no python3
        }
    }
}
