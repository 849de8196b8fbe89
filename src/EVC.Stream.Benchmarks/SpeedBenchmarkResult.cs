namespace EVC.Stream.Benchmarks;

/// <summary>
/// Per-stage latencies, the wall time of each measured batch on the encoder and the decoder side (transfers
/// included), the frame rates from their medians, and the plot written.
/// </summary>
public sealed record SpeedBenchmarkResult(
    string Title,
    string Arch,
    bool Cuda,
    string Mode,
    string Precision,
    int Frames,
    List<SpeedStageResult> Stages,
    List<double> EncodeWallMs,
    List<double> DecodeWallMs,
    double EncodeFps,
    double DecodeFps,
    string Png);
