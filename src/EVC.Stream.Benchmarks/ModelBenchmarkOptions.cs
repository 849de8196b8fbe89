namespace EVC.Stream.Benchmarks;

/// <summary>What <see cref="ModelBenchmark"/> times.</summary>
public sealed record ModelBenchmarkOptions
{
    /// <summary>Architecture. Default EVC_SS.</summary>
    public string Arch { get; init; } = "EVC_SS";

    /// <summary>Weights; null for untrained weights (speed does not depend on them).</summary>
    public string? Weights { get; init; }

    /// <summary>Frame width. Default 768 (the kit's speed probe).</summary>
    public int Width { get; init; } = 768;

    /// <summary>Frame height. Default 512.</summary>
    public int Height { get; init; } = 512;

    /// <summary>CPU threads. Default 2 (the kit's official figures use 2 threads).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Timed frames; medians are reported. Default 5.</summary>
    public int Repeat { get; init; } = 5;
}
