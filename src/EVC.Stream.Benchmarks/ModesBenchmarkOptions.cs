using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Benchmarks;

/// <summary>What <see cref="ModesBenchmark"/> codes.</summary>
public sealed record ModesBenchmarkOptions
{
    /// <summary>The model, on the CPU.</summary>
    public required EvcModel Model { get; init; }

    /// <summary>The PNG images (<see cref="BenchmarkImages.List"/>).</summary>
    public required IReadOnlyList<string> Images { get; init; }

    /// <summary>The deterministic mode compared with official mode: the current arithmetic (default) or version 1.</summary>
    public StreamMode DeterministicMode { get; init; } = StreamMode.Deterministic;

    /// <summary>CPU threads of the networks. Default: all cores.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}
