namespace EVC.Stream.Container;

/// <summary>The trailer that closes a completed stream.</summary>
/// <param name="FrameCount">Number of packets written.</param>
/// <param name="Duration">Duration in time-base units: last pts − first pts + one nominal frame duration (0 when empty).</param>
/// <param name="IndexOffset">Byte offset of the index from the start of the stream, or 0 when the writer wrote none.</param>
public readonly record struct EvcsTrailer(long FrameCount, long Duration, long IndexOffset);
