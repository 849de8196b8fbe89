namespace EVC.Stream.Media.Video;

/// <summary>The geometry and clock a source delivers.</summary>
public readonly record struct VideoFormat(int Width, int Height, double FrameRate, TimeSpan? Duration = null);
