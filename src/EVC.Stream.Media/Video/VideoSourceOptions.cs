namespace EVC.Stream.Media.Video;

/// <summary>What to capture and how much.</summary>
public sealed record VideoSourceOptions
{
    /// <summary>The kind of source.</summary>
    public VideoSourceKind Kind { get; init; } = VideoSourceKind.Test;

    /// <summary>Camera number N of <c>/dev/videoN</c>, a file path or URL, or an image folder.</summary>
    public string? Location { get; init; }

    /// <summary>Frame size; 0 = the source's own (cameras and the screen need one: 640x480 and 1280x720 by default).</summary>
    public int Width { get; init; }

    /// <summary>Frame height (see <see cref="Width"/>).</summary>
    public int Height { get; init; }

    /// <summary>Frame rate; 0 = the source's own (30 for live sources).</summary>
    public double FrameRate { get; init; }

    /// <summary>Stop after this many frames (null: until the source ends or capture is cancelled).</summary>
    public long? MaxFrames { get; init; }

    /// <summary>Stop after this much source time.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The test source runs in real time like a camera (true) or as fast as FFmpeg can make frames (false, for benchmarks).</summary>
    public bool Paced { get; init; } = true;

    /// <summary>V4L2 <c>-input_format</c> (e.g. mjpeg, yuyv422); null lets the driver choose.</summary>
    public string? CameraInputFormat { get; init; }

    /// <summary>Live sources run at their own pace and must never be blocked: a slow consumer loses frames instead.</summary>
    public bool IsLive => Kind is VideoSourceKind.Camera or VideoSourceKind.Screen || Kind == VideoSourceKind.Test && Paced;

    /// <summary>A short label for dashboards ("synthetic" for the test source).</summary>
    public string Label => Kind switch
    {
        VideoSourceKind.Camera => $"camera /dev/video{Location}",
        VideoSourceKind.Screen => $"screen {Environment.GetEnvironmentVariable("DISPLAY")}",
        VideoSourceKind.Test => "test source (synthetic, FFmpeg testsrc2)",
        VideoSourceKind.ImageFolder => $"images {Location}",
        _ => Location ?? "",
    };
}
