namespace EVC.Stream.Pipeline.Capture;

/// <summary>A frame the networks have turned into symbols, waiting for an entropy coder.</summary>
internal sealed record AnalysedFrame(long Sequence, TimeSpan Timestamp, long CapturedAt, ImageCodec.FrameSymbols Symbols, int Level);
