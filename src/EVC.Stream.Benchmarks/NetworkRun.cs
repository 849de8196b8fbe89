namespace EVC.Stream.Benchmarks;

/// <summary>One transport at one frame size: frames sent, received and lost, and glass-to-glass latency percentiles (NaN when the viewer reported nothing).</summary>
public sealed record NetworkRun(string Transport, string Size, double Fps, long Sent, long Received, long Lost, double P50Ms, double P95Ms, double P99Ms);
