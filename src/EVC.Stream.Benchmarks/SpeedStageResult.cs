namespace EVC.Stream.Benchmarks;

/// <summary>One stage's latencies in milliseconds, sorted ascending (percentiles through <see cref="Evaluation.SpeedPlot.Percentile"/>).</summary>
public sealed record SpeedStageResult(string Stage, double[] SortedMs);
