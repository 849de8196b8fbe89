namespace EVC.Stream.Pipeline.Playback;

/// <summary>A dispatched packet's place in presentation order; its frame arrives when a decoder is done.</summary>
internal sealed class PresentationSlot(long frameNumber, long pts, long readAt, int generation, double bitrateBps, int payloadBytes)
{
    public int PayloadBytes { get; } = payloadBytes;
    public long FrameNumber { get; } = frameNumber;
    public long Pts { get; } = pts;
    public long ReadAt { get; } = readAt;
    public int Generation { get; } = generation;
    public double BitrateBps { get; } = bitrateBps;
    public TaskCompletionSource<RawFrame?> Frame { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
