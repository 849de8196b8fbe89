using System.Diagnostics;
using System.Text.Json;
using EVC.Stream.Model;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using EVC.Stream.Training;
using static TorchSharp.torch;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// <c>bench train</c>: seconds per variable-rate RD training step (forward, backward, gradient clipping, Adam) in the
/// setting where PyTorch 1.13 takes about 0.33 s on this machine (EVC_SS, batch 4, 128x128 crops, 2 threads); with
/// PyTorch installed, times the same step in PyTorch in alternating rounds and reports the median of the rounds'
/// ratios, else the ratio to that figure.
/// </summary>
public static class TrainBenchmark
{
    /// <summary>PyTorch 1.13's step time in the same setting, as measured on this machine (the training issue).</summary>
    public const double PyTorchSeconds = 0.33;

    /// <summary>
    /// Times the rounds of training steps, each followed by PyTorch's when available; <paramref name="steps"/> hears
    /// of every step, <paramref name="rounds"/> of every round.
    /// </summary>
    public static async Task<TrainBenchmarkResult> RunAsync(TrainBenchmarkOptions options, IProgress<TrainBenchmarkStep>? steps, IProgress<TrainBenchmarkRound>? rounds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        string data = options.Data;
        set_num_threads(options.Threads);
        TorchRuntime.RetainFreedMemory();  // no page faults on every step's activations
        var trainers = new List<RdTrainer>();
        try
        {
            foreach (Precision precision in options.Precisions)
            {
                manual_seed(1);  // the same initial weights, data and noise for every precision
                var training = new TrainingOptions { BatchSize = options.Batch, CropSize = options.Crop, TotalSteps = 3 + (long)options.Steps * options.Rounds, Precision = precision };
                trainers.Add(RdTrainer.Start(new EvcModel(EvcArchitecture.Get(options.Arch)), training, data));
            }
            RdTrainer? parallel = null;
            if (options.Workers > 1)
            {
                manual_seed(1);
                var training = new TrainingOptions { BatchSize = options.Batch, CropSize = options.Crop, TotalSteps = 3 + (long)options.Steps * options.Rounds, Precision = Precision.Bf16, Workers = options.Workers };
                parallel = RdTrainer.Start(new EvcModel(EvcArchitecture.Get(options.Arch)), training, data);  // sets libtorch to one thread
                trainers.Add(parallel);
            }
            int single = options.Precisions.ToList().IndexOf(Precision.Bf16) is int b and >= 0 ? b : 0;
            bool pytorch = options.PyTorch && options.Arch == "EVC_SS";
            // Rounds alternate ours (each precision in turn) and PyTorch's, so a slow spell of this shared machine lands on
            // both sides of a ratio.
            var ours = new List<double>();
            var theirs = new List<double>();
            var ratios = new List<double>();
            var bf16 = new List<double>();
            var speedups = new List<double>();
            var workers = new List<double>();
            var workerSpeedups = new List<double>();
            for (int round = 0; round < options.Rounds; round++)
            {
                List<double> times = TimeSteps(trainers[0], options, warmUp: round == 0 ? 3 : 0, round, steps, cancellationToken);
                double median = BenchmarkMath.Median([.. times]);
                ours.AddRange(times);
                List<double> bf16Times = times;
                if (options.Precisions.Count > 1)
                {
                    bf16Times = TimeSteps(trainers[1], options, warmUp: round == 0 ? 3 : 0, round, steps, cancellationToken);
                    bf16.AddRange(bf16Times);
                    speedups.Add(median / BenchmarkMath.Median([.. bf16Times]));
                }
                if (parallel is not null)
                {
                    List<double> parallelTimes = TimeSteps(parallel, options, warmUp: round == 0 ? 3 : 0, round, steps, cancellationToken);
                    workers.AddRange(parallelTimes);
                    workerSpeedups.Add(BenchmarkMath.Median([.. single == 1 ? bf16Times : times]) / BenchmarkMath.Median([.. parallelTimes]));
                }
                double? measured = pytorch ? MeasurePyTorch(options) : null;
                pytorch = measured is not null;
                if (measured is double seconds)
                {
                    theirs.Add(seconds);
                    ratios.Add(median / seconds);
                }
                rounds?.Report(new TrainBenchmarkRound(round + 1, options.Rounds, median, measured));
            }
            double oursMedian = BenchmarkMath.Median([.. ours]);
            double reference = theirs.Count > 0 ? BenchmarkMath.Median([.. theirs]) : PyTorchSeconds;
            double ratio = ratios.Count > 0 ? BenchmarkMath.Median([.. ratios]) : oursMedian / PyTorchSeconds;
            return new TrainBenchmarkResult(ours, oursMedian, reference, theirs.Count, ratios, ratio)
            {
                Bf16StepSeconds = bf16,
                Bf16Speedup = speedups.Count > 0 ? BenchmarkMath.Median([.. speedups]) : null,
                WorkersStepSeconds = workers,
                WorkersSpeedup = workerSpeedups.Count > 0 ? BenchmarkMath.Median([.. workerSpeedups]) : null,
            };
        }
        finally
        {
            foreach (RdTrainer trainer in trainers)
                await trainer.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Times <see cref="TrainBenchmarkOptions.Steps"/> training steps (after <paramref name="warmUp"/> untimed ones).</summary>
    private static List<double> TimeSteps(RdTrainer trainer, TrainBenchmarkOptions options, int warmUp, int round, IProgress<TrainBenchmarkStep>? progress, CancellationToken cancellationToken)
    {
        var times = new List<double>(options.Steps);
        if (trainer.Options.Workers == 1)
            set_num_threads(options.Threads);  // a data-parallel trainer sets one thread for its steps
        for (int step = 0; step < options.Steps + warmUp; step++)
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
            progress?.Report(new TrainBenchmarkStep(round + 1, step + 1, options.Steps + warmUp, step < warmUp, seconds, loss));
        }
        return times;
    }

    /// <summary>Runs tools/pytorch/train_step_bench.py with the same settings (after ours, never concurrently); null when unavailable.</summary>
    private static double? MeasurePyTorch(TrainBenchmarkOptions options)
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
            double? seconds = RunPyTorch(python, script, options);
            if (seconds is not null)
                return seconds;
        }
        return null;
    }

    private static double? RunPyTorch(string python, string script, TrainBenchmarkOptions options)
    {
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { script, "--threads", $"{options.Threads}", "--batch", $"{options.Batch}", "--crop", $"{options.Crop}", "--steps", $"{options.Steps}" })
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
