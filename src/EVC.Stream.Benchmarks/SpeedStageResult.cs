namespace EVC.Stream.Benchmarks;

/// <summary>
/// One stage's latencies in milliseconds, sorted ascending (percentiles through <see cref="Evaluation.SpeedPlot.Percentile"/>),
/// and the multiply-add rate its networks achieved.
/// </summary>
/// <param name="Stage">One of <see cref="SpeedBenchmark.Stages"/>.</param>
/// <param name="SortedMs">Each measured call's wall time (with a batch, the encoder-side network stages time one pass over the batch).</param>
/// <param name="GmacPerFrame">The stage's multiply-adds for one frame, in 10⁹ (<see cref="FrameMultiplyAdds.ForStage"/>).</param>
/// <param name="GmacPerSecond">Multiply-adds of one call over its median time, in 10⁹ per second (0 for entropy encoding).</param>
/// <param name="Float32PeakFraction"><paramref name="GmacPerSecond"/> over the measured float32 peak (<see cref="PeakThroughputResult.Float32GmacPerSecond"/>); null without a peak.</param>
/// <param name="Bfloat16PeakFraction">The same over the bfloat16 peak; null without one.</param>
/// <param name="Float32FmaLoopFraction">The same over the float32 FMA loop (<see cref="PeakThroughputResult.VectorFloat32GmacPerSecond"/>, the cores' issue limit); null without one.</param>
public sealed record SpeedStageResult(
    string Stage,
    double[] SortedMs,
    double GmacPerFrame,
    double GmacPerSecond,
    double? Float32PeakFraction,
    double? Bfloat16PeakFraction,
    double? Float32FmaLoopFraction);
