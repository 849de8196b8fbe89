namespace EVC.Stream.Benchmarks;

/// <summary>Every run of <see cref="PipelineBenchmark"/>, and the resident memory every 100 frames of the RSS run (MiB; empty without one).</summary>
public sealed record PipelineBenchmarkResult(List<PipelineRunResult> Runs, List<double> RssMib)
{
    /// <summary>The frame-parallel comparison, one entry per worker count (empty without one).</summary>
    public List<FrameParallelResult> FrameParallel { get; init; } = [];
}
