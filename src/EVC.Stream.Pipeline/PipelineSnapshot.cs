namespace EVC.Stream.Pipeline;

/// <summary>Everything a dashboard shows, taken at one moment.</summary>
public sealed record PipelineSnapshot(
    TimeSpan Elapsed,
    string Source,
    StageSnapshot[] Stages,
    KeyValuePair<string, int>[] QueueDepths,
    long Captured,
    long Dropped,
    long Late,
    long Written,
    long Lost,
    long? TotalFrames,
    long Bytes,
    double BitrateBitsPerSecond,
    double TargetBitrate,
    double BitsPerPixel,
    double QScale,
    int EncoderLevel,
    string? Message);
