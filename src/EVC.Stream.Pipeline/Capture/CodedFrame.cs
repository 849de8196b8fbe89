namespace EVC.Stream.Pipeline.Capture;

/// <summary>A frame's entropy-coded payload, waiting for its turn in the muxer.</summary>
internal sealed record CodedFrame(long Sequence, TimeSpan Timestamp, long CapturedAt, byte[] Payload, int QIndex, int Level);
