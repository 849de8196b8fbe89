using EVC.Stream.Model.Models;

namespace EVC.Stream.Benchmarks;

/// <summary>What <see cref="PrecisionBenchmark"/> times.</summary>
public sealed record PrecisionBenchmarkOptions
{
    /// <summary>The model, on the CPU or CUDA.</summary>
    public required EvcModel Model { get; init; }

    /// <summary>Frame sizes (width, height); each is padded to multiples of 64 as the codec pads.</summary>
    public required IReadOnlyList<(int Width, int Height)> Sizes { get; init; }

    /// <summary>Timed rounds; each round runs every variant once, in turn, so load on a shared machine hits all alike. Default 7.</summary>
    public int Rounds { get; init; } = 7;
}
