namespace EVC.Stream.Benchmarks;

/// <summary>What <see cref="NetworkBenchmark"/> streams, and with which tool.</summary>
public sealed record NetworkBenchmarkOptions
{
    /// <summary>The evcstream tool (<c>evcstream.dll</c>) run as sender and viewer.</summary>
    public required string Tool { get; init; }

    /// <summary>Transports: udp, tcp, srt. Default all three.</summary>
    public IReadOnlyList<string> Transports { get; init; } = ["udp", "tcp", "srt"];

    /// <summary>Frame sizes and rates. Default 128x96 at 10 fps and 320x240 at 2 fps (what 2 CPU cores code in real time).</summary>
    public IReadOnlyList<NetworkFrameSize> Sizes { get; init; } = [new(128, 96, 10), new(320, 240, 2)];

    /// <summary>Stream length per run in seconds. Default 6.</summary>
    public double Seconds { get; init; } = 6;
}
