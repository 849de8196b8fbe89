namespace EVC.Stream.Pipeline;

/// <summary>How a capture run ended.</summary>
public sealed record CaptureResult(long Captured, long Dropped, long Written, long Bytes, Exception? Error);
