namespace EVC.Stream.Benchmarks;

/// <summary>Mux and demux speed of one medium (memory or a temporary file); medians over the repetitions.</summary>
public sealed record ContainerMediumResult(
    string Medium,
    double MuxFps,
    double DemuxFps,
    double MuxDemuxFps,
    double MuxMegabytesPerSecond,
    double DemuxMegabytesPerSecond,
    double RatioToTarget,
    double CpuUtilisation);
