using System.Diagnostics;
using System.Globalization;

namespace EVC.Stream.Media.Video;

/// <summary>
/// Sends an MPEG transport stream written to <see cref="Input"/> to a network URL (srt://, udp://, tcp://) through
/// FFmpeg's protocols (<c>ffmpeg -f mpegts -i pipe:0 -map 0 -c copy -f mpegts URL</c>): the transports are FFmpeg's,
/// none is written here. FFmpeg copies the packets as they are (it drops the registration descriptor; receivers
/// identify the stream by its own unit prefix, <c>docs/evcs-ts.md</c>).
/// </summary>
public sealed class FFmpegStreamRelay : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _errors;
    private readonly TimeSpan _closeHold;

    private FFmpegStreamRelay(Process process, TimeSpan closeHold)
    {
        _process = process;
        _closeHold = closeHold;
        _errors = process.StandardError.ReadToEndAsync();
    }

    /// <summary>The URL schemes FFmpeg sends a live transport stream over.</summary>
    public static readonly IReadOnlyList<string> Schemes = ["srt", "udp", "tcp"];

    /// <summary>FFmpeg's <c>setts</c> bitstream filter: each timestamp at least one tick past the previous one.</summary>
    private const string MonotonicTimestamps = @"setts=dts=if(gt(DTS\,PREV_OUTDTS)\,DTS\,PREV_OUTDTS+1):pts=if(gt(PTS\,PREV_OUTPTS)\,PTS\,PREV_OUTPTS+1)";

    /// <summary>Whether <paramref name="location"/> is a URL of one of <see cref="Schemes"/>.</summary>
    public static bool IsNetworkUrl(string? location) =>
        location is not null && Schemes.Any(s => location.StartsWith(s + "://", StringComparison.OrdinalIgnoreCase));

    /// <summary>Where the transport stream is written (a sending relay): FFmpeg's stdin.</summary>
    public System.IO.Stream Input => _process.StandardInput.BaseStream;

    /// <summary>Where the received transport stream is read (a receiving relay): FFmpeg's stdout.</summary>
    public System.IO.Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>Starts FFmpeg receiving from <paramref name="url"/> (e.g. <c>srt://:9000?mode=listener</c>, <c>udp://@:9000</c>) and copying the transport stream to <see cref="Output"/>.</summary>
    /// <exception cref="VideoIOException">FFmpeg is missing or did not start.</exception>
    public static FFmpegStreamRelay Receive(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        // Probe little: a viewer should see the first frame as soon as it arrives. A datagram that arrives after its
        // successor carries an older timestamp, which FFmpeg's muxer refuses for a data stream — ending the whole
        // relay; setts keeps the timestamps increasing instead (our frames carry their own numbers and times).
        return Launch(sending: false, TimeSpan.Zero, "-hide_banner", "-loglevel", "error", "-probesize", "2048", "-analyzeduration", "0", "-f", "mpegts", "-i", url,
            "-map", "0", "-c", "copy", "-bsf:d", MonotonicTimestamps, "-flush_packets", "1", "-f", "mpegts", "pipe:1");
    }

    /// <summary>Waits for a receiving FFmpeg to end; a failure names FFmpeg's message.</summary>
    /// <exception cref="VideoIOException">FFmpeg failed to receive (no sender, a refused URL).</exception>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        string errors = (await _errors.ConfigureAwait(false)).Trim();
        if (_process.ExitCode != 0 && errors.Length > 0)
            throw new VideoIOException(string.Create(CultureInfo.InvariantCulture, $"FFmpeg stopped receiving (exit {_process.ExitCode}): {errors.Split('\n')[^1].Trim()}"));
    }

    /// <summary>Starts FFmpeg sending to <paramref name="url"/>.</summary>
    /// <exception cref="VideoIOException">FFmpeg is missing or did not start.</exception>
    public static FFmpegStreamRelay Start(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        // Probe little (a live sender must not hold frames back), copy every stream, flush every packet.
        return Launch(sending: true, CloseHold(url), "-hide_banner", "-loglevel", "error", "-probesize", "2048", "-analyzeduration", "0", "-f", "mpegts", "-i", "pipe:0",
            "-map", "0", "-c", "copy", "-flush_packets", "1", "-muxdelay", "0", "-f", "mpegts", SendUrl(url));
    }

    /// <summary>
    /// The URL FFmpeg sends to: UDP gets 7 TS packets per datagram (what every TS-over-UDP receiver expects); SRT gets
    /// a 3-second linger, since live mode's default (none) drops the packets still in flight when the sender closes —
    /// the last frames of every stream. Options the caller gave win.
    /// </summary>
    internal static string SendUrl(string url)
    {
        if (url.StartsWith("udp://", StringComparison.OrdinalIgnoreCase) && !url.Contains("pkt_size=", StringComparison.Ordinal))
            return WithOption(url, "pkt_size=1316");
        if (url.StartsWith("srt://", StringComparison.OrdinalIgnoreCase) && !url.Contains("linger=", StringComparison.Ordinal))
            return WithOption(url, "linger=3");
        return url;
    }

    /// <summary>
    /// How long a sender keeps the connection after its last packet: an SRT receiver holds each packet until its
    /// latency has passed and discards what it still holds when the sender hangs up — the last frames of the stream
    /// (measured here: 30 of 30 frames arrive at latency 120 ms, 8 of 30 at 2 s, and on a loaded machine 2 were lost at
    /// 120 ms). The hold is the latency the URL asks for (SRT's default 120 ms otherwise) plus a second for a busy
    /// receiver; other transports need none.
    /// </summary>
    internal static TimeSpan CloseHold(string url)
    {
        if (!url.StartsWith("srt://", StringComparison.OrdinalIgnoreCase))
            return TimeSpan.Zero;
        long latencyMicroseconds = 120_000;
        int query = url.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            foreach (string option in url[(query + 1)..].Split('&'))
            {
                if (option.StartsWith("latency=", StringComparison.Ordinal)
                    && long.TryParse(option["latency=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out long value))
                    latencyMicroseconds = value;  // FFmpeg's srt latency option is in microseconds
            }
        }
        return TimeSpan.FromSeconds(1) + TimeSpan.FromTicks(latencyMicroseconds * 10);
    }

    private static string WithOption(string url, string option) => url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + option;

    private static FFmpegStreamRelay Launch(bool sending, TimeSpan closeHold, params string[] arguments)
    {
        string ffmpeg = FFmpegTool.Require();
        var start = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardInput = sending,
            RedirectStandardOutput = !sending,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        try
        {
            return new FFmpegStreamRelay(Process.Start(start) ?? throw new VideoIOException($"could not start {ffmpeg}"), closeHold);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new VideoIOException($"could not start {ffmpeg}: {e.Message}", e);
        }
    }

    /// <summary>Closes the stream and waits for FFmpeg to send what it holds; a failure names FFmpeg's message.</summary>
    /// <exception cref="VideoIOException">FFmpeg failed (the URL refused, the connection broke).</exception>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_closeHold > TimeSpan.Zero && !_process.HasExited)
            await Task.Delay(_closeHold, cancellationToken).ConfigureAwait(false);  // the receiver plays out what it holds
        try
        {
            await Input.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // FFmpeg already exited: its exit code and message say why.
        }
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        string errors = (await _errors.ConfigureAwait(false)).Trim();
        if (_process.ExitCode != 0)
            throw new VideoIOException(string.Create(CultureInfo.InvariantCulture, $"FFmpeg could not send the stream (exit {_process.ExitCode}): {errors.Split('\n')[^1].Trim()}"));
    }

    /// <summary>Stops FFmpeg if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                if (_process.StartInfo.RedirectStandardInput)
                    await Input.DisposeAsync().ConfigureAwait(false);
                else
                    _process.Kill();  // a receiver: the viewer is done
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }
        _process.Dispose();
    }
}
