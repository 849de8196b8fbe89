namespace EVC.Stream.Cli.Usage;

/// <summary>
/// Checks an output path before any work starts (ffmpeg's habit): an existing file is refused without -y, a URL or
/// a missing folder is refused with the option named, so nothing fails after the model has loaded.
/// </summary>
internal static class OutputGuard
{
    /// <summary>Throws <see cref="UsageException"/> when <paramref name="path"/> cannot or must not be written.</summary>
    /// <param name="path">The output; null or "-" (stdout) always pass.</param>
    /// <param name="overwrite">-y was given.</param>
    /// <param name="option">The option that named it, for the message.</param>
    /// <param name="allowNetwork">The command can send to srt://, udp:// and tcp:// URLs (capture).</param>
    public static void Check(string? path, bool overwrite, string option = "-o", bool allowNetwork = false)
    {
        if (path is null || Program.IsStdio(path))
            return;
        if (path.Contains("://", StringComparison.Ordinal))
        {
            if (allowNetwork && Media.Video.FFmpegStreamRelay.IsNetworkUrl(path))
                return;
            throw new UsageException(allowNetwork
                ? $"{option} {path}: unsupported URL; capture sends to srt://HOST:PORT, udp://HOST:PORT or tcp://HOST:PORT"
                : $"{option} {path}: output URLs are not supported here; write a file, or - for stdout and pipe it on");
        }
        if (path.Length == 0)
            throw new UsageException($"{option}: empty output path");
        if (Directory.Exists(path))
            throw new UsageException($"{option} {path}: is a folder; give a file name");
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
            throw new UsageException($"{option} {path}: folder {folder} does not exist");
        foreach (string candidate in Candidates(path))
        {
            if (File.Exists(candidate) && !overwrite)
                throw new UsageException($"{option} {path}: {candidate} exists; pass -y to overwrite it");
        }
    }

    /// <summary>A temporary name beside <paramref name="path"/> that keeps its extension (FFmpeg picks the format by it).</summary>
    public static string TemporaryPath(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileNameWithoutExtension(path)}.{Environment.ProcessId}.partial{Path.GetExtension(path)}");

    /// <summary>Runs <paramref name="write"/> on a temporary name, renames on success and deletes it on failure: a failed write (full disk) leaves no file.</summary>
    public static void WriteAtomically(string path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string temporary = TemporaryPath(path);
        try
        {
            write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException e)
        {
            DeleteQuietly(temporary);
            throw new OutputFailedException($"could not write {path}: {e.Message}", e);
        }
        catch
        {
            DeleteQuietly(temporary);
            throw;
        }
    }

    /// <summary>Deletes a file if it can; a file that cannot be deleted is left (the caller is already failing).</summary>
    public static void DeleteQuietly(string? path)
    {
        if (path is null)
            return;
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Creates an output file for writing (readers may share it); a failure is an output failure naming the file.</summary>
    public static FileStream Create(string path, int bufferSize = 1 << 16)
    {
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize, useAsync: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputFailedException($"cannot create {path}: {e.Message}", e);
        }
    }

    /// <summary>The files an output writes first: the file itself, or for a frame pattern (frames_%05d.png) its first two frames.</summary>
    private static IEnumerable<string> Candidates(string path)
    {
        int percent = path.IndexOf('%', StringComparison.Ordinal);
        if (percent < 0)
        {
            yield return path;
            yield break;
        }
        for (int frame = 0; frame <= 1; frame++)
        {
            string? name = null;
            try
            {
                name = FormatFrame(path, frame);
            }
            catch (FormatException)
            {
            }
            if (name is not null)
                yield return name;
        }
    }

    /// <summary>printf-style %d / %0Nd as FFmpeg's image2 muxer expands it.</summary>
    private static string FormatFrame(string pattern, int frame)
    {
        int percent = pattern.IndexOf('%', StringComparison.Ordinal);
        int end = pattern.IndexOf('d', percent);
        if (end < 0)
            throw new FormatException(pattern);
        string width = pattern[(percent + 1)..end].TrimStart('0');
        int digits = width.Length == 0 ? 0 : int.Parse(width, CultureInfo.InvariantCulture);
        return string.Concat(pattern.AsSpan(0, percent), frame.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0'), pattern.AsSpan(end + 1));
    }
}
