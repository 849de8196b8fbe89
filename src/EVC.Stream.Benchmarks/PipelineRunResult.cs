using EVC.Stream.Pipeline;

namespace EVC.Stream.Benchmarks;

/// <summary>One pipeline run: frames through it in wall time, the rate, each stage's latencies and the frames dropped.</summary>
public sealed record PipelineRunResult(string Run, string Frame, long Frames, double Seconds, double Fps, StageSnapshot[] Stages, long Dropped = 0);
