using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Benchmarks;

/// <summary>What <see cref="DeterminismBenchmark"/> codes, and where.</summary>
public sealed record DeterminismBenchmarkOptions
{
    /// <summary>The model that encodes (on the encoding device).</summary>
    public required EvcModel EncoderModel { get; init; }

    /// <summary>The model that decodes (on the decoding device; the same object when both sides share a device).</summary>
    public required EvcModel DecoderModel { get; init; }

    /// <summary>The frames, padded (<see cref="DeterminismBenchmark.LoadCrops"/>); their count a multiple of 4.</summary>
    public required IReadOnlyList<float[]> Crops { get; init; }

    /// <summary>Crop width.</summary>
    public required int Width { get; init; }

    /// <summary>Crop height.</summary>
    public required int Height { get; init; }

    /// <summary>The rate. Default rate index 1.</summary>
    public Quality Quality { get; init; } = Quality.Default;

    /// <summary>The stream modes to test. Default both.</summary>
    public IReadOnlyList<StreamMode> Modes { get; init; } = [StreamMode.Official, StreamMode.Deterministic];
}
