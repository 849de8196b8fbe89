using EVC.Stream.Model.Checkpoints;

namespace EVC.Stream.Benchmarks;

/// <summary>What <see cref="TrainBenchmark"/> times.</summary>
public sealed record TrainBenchmarkOptions
{
    /// <summary>Architecture. Default EVC_SS.</summary>
    public string Arch { get; init; } = "EVC_SS";

    /// <summary>Batch size. Default 4.</summary>
    public int Batch { get; init; } = 4;

    /// <summary>Crop side (a multiple of 64). Default 128.</summary>
    public int Crop { get; init; } = 128;

    /// <summary>Measured steps per round (the first round adds 3 warm-up steps). Default 10.</summary>
    public int Steps { get; init; } = 10;

    /// <summary>Rounds of ours then PyTorch's steps; the ratio is the median of the rounds' ratios. Default 5.</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>CPU threads. Default 2 (the PyTorch figure's setting).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>
    /// Data-parallel workers (1: none): with more, a bf16 run whose batch is split over that many threads of one
    /// libtorch thread each is timed too, every round, against the single bf16 (else the first) run.
    /// </summary>
    public int Workers { get; init; } = 1;

    /// <summary>
    /// Precisions timed: fp32 (default), or fp32 then bf16 (mixed precision with float32 master weights), each round
    /// timing both in turn from the same initial weights and data; the ratio to PyTorch is fp32's.
    /// </summary>
    public IReadOnlyList<Precision> Precisions { get; init; } = [Precision.Fp32];

    /// <summary>Training images.</summary>
    public required string Data { get; init; }

    /// <summary>Also time the same step in PyTorch (tools/pytorch/train_step_bench.py) when python3 with torch is installed. Default true.</summary>
    public bool PyTorch { get; init; } = true;
}
