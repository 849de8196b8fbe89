using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Benchmarks;

/// <summary>What <see cref="SpeedBenchmark"/> times.</summary>
public sealed record SpeedBenchmarkOptions
{
    /// <summary>The model, already on <see cref="Device"/>.</summary>
    public required EvcModel Model { get; init; }

    /// <summary>Where the model runs.</summary>
    public required ComputeDevice Device { get; init; }

    /// <summary>Frame width.</summary>
    public required int Width { get; init; }

    /// <summary>Frame height.</summary>
    public required int Height { get; init; }

    /// <summary>Measured frames, or batches with <see cref="Batch"/> &gt; 1 (after one warm-up); null for 5 on CPU, 50 on CUDA.</summary>
    public int? Frames { get; init; }

    /// <summary>Official stream mode (default deterministic).</summary>
    public bool Official { get; init; }

    /// <summary>The deterministic mode measured when not <see cref="Official"/>: the current arithmetic (default) or version 1.</summary>
    public StreamMode DeterministicMode { get; init; } = StreamMode.Deterministic;

    /// <summary>Frames per encoder network pass, entropy-coded in parallel. Default 1.</summary>
    public int Batch { get; init; } = 1;

    /// <summary>CPU threads. Default: all cores.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// n of the n x n matrix products that measure the peak multiply-add rate before the frames
    /// (<see cref="PeakThroughput"/>); 0 skips the measurement. Default 2048 on the CPU, 8192 on CUDA.
    /// </summary>
    public int? PeakMatrixSize { get; init; }
    /// <summary>The transforms' number format (auto: resolved for the device and stream mode). Default auto.</summary>
    public Precision Precision { get; init; } = Precision.Auto;

    /// <summary>The latency plot; null for <c>bench-speed-&lt;arch&gt;-&lt;size&gt;-&lt;device&gt;.png</c>.</summary>
    public string? Png { get; init; }
}
