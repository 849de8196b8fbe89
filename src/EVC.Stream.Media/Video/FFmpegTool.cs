namespace EVC.Stream.Media.Video;

/// <summary>Finds the FFmpeg executables, failing with one line that says how to install them.</summary>
internal static class FFmpegTool
{
    /// <summary>The full path of <paramref name="name"/> (ffmpeg, ffprobe, ffplay) on PATH.</summary>
    /// <exception cref="VideoIOException">Not installed.</exception>
    public static string Require(string name = "ffmpeg") =>
        Find(name) ?? throw new VideoIOException($"{name} not found on PATH: install FFmpeg (Debian: sudo apt-get install -y ffmpeg)");

    /// <summary>The full path of <paramref name="name"/> on PATH, or null.</summary>
    public static string? Find(string name)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    /// <summary>Points FFMpegCore at the folder holding ffmpeg and ffprobe.</summary>
    public static void Configure()
    {
        string ffmpeg = Require("ffmpeg");
        FFMpegCore.GlobalFFOptions.Configure(options => options.BinaryFolder = Path.GetDirectoryName(ffmpeg)!);
    }
}
