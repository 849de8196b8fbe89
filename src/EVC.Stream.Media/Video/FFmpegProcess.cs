using System.Diagnostics;

namespace EVC.Stream.Media.Video;

/// <summary>Runs FFmpeg to completion (file-to-file work: encode, decode, extract); one clear exception on failure.</summary>
internal static class FFmpegProcess
{
    /// <summary>Runs <c>ffmpeg ARGUMENTS</c> and returns its stdout.</summary>
    /// <exception cref="VideoIOException">FFmpeg is missing or failed.</exception>
    public static byte[] Run(string arguments) => RunWithLog(arguments).Output;

    /// <summary>Runs <c>ffmpeg ARGUMENTS</c> and returns its stdout and its log (stderr), e.g. for filter reports.</summary>
    /// <exception cref="VideoIOException">FFmpeg is missing or failed.</exception>
    public static (byte[] Output, string Log) RunWithLog(string arguments)
    {
        var info = new ProcessStartInfo(FFmpegTool.Require(), arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["SVT_LOG"] = "1";  // SVT-AV1 logs to stderr regardless of -v
        using Process process = Process.Start(info) ?? throw new VideoIOException("could not start ffmpeg");
        using var output = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        copy.GetAwaiter().GetResult();
        string log = error.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            string detail = log.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? "";
            throw new VideoIOException($"ffmpeg {arguments}: {detail}");
        }
        return (output.ToArray(), log);
    }
}
