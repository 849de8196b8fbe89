namespace EVC.Stream.Benchmarks;

/// <summary>
/// Per-stage latencies and multiply-add rates, the wall time of each measured batch on the encoder and the decoder
/// side (transfers included), the frame rates from their medians, the plot written, the multiply-adds of each network
/// for one padded frame and the machine's measured peak (null when not measured).
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
    string Png,
    FrameMultiplyAdds MultiplyAdds,
    PeakThroughputResult? Peak);
