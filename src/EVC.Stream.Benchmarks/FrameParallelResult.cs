namespace EVC.Stream.Benchmarks;

/// <summary>
/// One frame-worker count of <see cref="PipelineBenchmark"/>'s frame-parallel comparison: the torch threads each
/// worker had, end-to-end capture and decode frames per second of every round, and their medians.
/// </summary>
public sealed record FrameParallelResult(int Workers, int ThreadsPerWorker, string Frame, double[] CaptureFps, double[] DecodeFps, double CaptureMedianFps, double DecodeMedianFps);
