namespace EVC.Stream.Benchmarks;

/// <summary>What <see cref="ContainerBenchmark"/> measures.</summary>
public sealed record ContainerBenchmarkOptions
{
    /// <summary>Frames per timed pass. Default 2000.</summary>
    public int Frames { get; init; } = 2000;

    /// <summary>Payload bytes of each frame (random). Default 60000 (a 1080p EVC frame).</summary>
    public int PayloadBytes { get; init; } = 60_000;

    /// <summary>Timed passes per medium; medians are reported. Default 5.</summary>
    public int Repeat { get; init; } = 5;

    /// <summary>Pin the process to one core while measuring (on Linux and Windows). Default true.</summary>
    public bool PinToOneCore { get; init; } = true;

    /// <summary>Folder of the temporary file; null for the system temporary folder.</summary>
    public string? Directory { get; init; }
}
