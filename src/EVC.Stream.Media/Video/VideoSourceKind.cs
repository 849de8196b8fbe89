namespace EVC.Stream.Media.Video;

/// <summary>Where frames come from.</summary>
public enum VideoSourceKind
{
    /// <summary>A V4L2 camera, <c>/dev/videoN</c>.</summary>
    Camera,

    /// <summary>The X11 screen of <c>$DISPLAY</c> (x11grab).</summary>
    Screen,

    /// <summary>FFmpeg's synthetic <c>testsrc2</c>, paced in real time like a camera.</summary>
    Test,

    /// <summary>Anything FFmpeg reads: a file (including <c>.y4m</c>) or a URL.</summary>
    File,

    /// <summary>A folder of PNG images of one size, in name order.</summary>
    ImageFolder,
}
