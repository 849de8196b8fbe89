namespace EVC.Stream.Benchmarks;

/// <summary>The q_scale the streams were coded at (as the codec rounds it) and every mode's and setting's result.</summary>
public sealed record DeterminismBenchmarkResult(double QScale, List<DeterminismSettingResult> Results);
