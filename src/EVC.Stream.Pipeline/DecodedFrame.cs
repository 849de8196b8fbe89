namespace EVC.Stream.Pipeline;

/// <summary>One decoded frame of a stream: its number, presentation time (in the header's time base) and pixels.</summary>
/// <param name="FrameNumber">The frame's number in the stream, from 0.</param>
/// <param name="Pts">Presentation time in the header's time base.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Rgb24">Packed 8-bit RGB, row-major.</param>
public sealed record DecodedFrame(long FrameNumber, long Pts, int Width, int Height, byte[] Rgb24);
