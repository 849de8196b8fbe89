namespace EVC.Stream.Benchmarks;

/// <summary>A frame size and the frame rate it is streamed at.</summary>
public sealed record NetworkFrameSize(int Width, int Height, double Fps);
