namespace EVC.Stream.Pipeline;

/// <summary>One stage's figures: items so far, items per second recently, latency percentiles in milliseconds.</summary>
public readonly record struct StageSnapshot(string Stage, long Count, double Fps, double P50Ms, double P95Ms, double P99Ms, double MaxMs);
