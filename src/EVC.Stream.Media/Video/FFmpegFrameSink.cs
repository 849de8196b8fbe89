using System.Globalization;
using System.Threading.Channels;
using FFMpegCore;
using FFMpegCore.Pipes;

namespace EVC.Stream.Media.Video;

/// <summary>
/// Frames into FFmpeg through FFMpegCore's pipe input (rawvideo rgb24): a file whose extension picks the muxer
/// (<c>.mp4</c>/<c>.mkv</c> with libx264, <c>.y4m</c>, <c>name_%05d.png</c> image sequences), or a window through
/// FFmpeg's SDL2 output device.
/// </summary>
public sealed class FFmpegFrameSink : IFrameSink
{
    private readonly Channel<RawFrame> _frames = Channel.CreateBounded<RawFrame>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
    private readonly Task _process;
    private readonly Queue<string> _errors = new();
    private string? _writeFailure;

    private FFmpegFrameSink(int width, int height, double frameRate, Func<FFMpegArguments, FFMpegArgumentProcessor> output)
    {
        FFmpegTool.Configure();
        var source = new ChannelPipeSource(_frames.Reader, width, height, frameRate);
        FFMpegArgumentProcessor processor = output(FFMpegArguments.FromPipeInput(source)).NotifyOnStandardError(line =>
        {
            // FFmpeg 5.1 exits 0 after "Error writing trailer …: No space left on device": its log is the only sign.
            if (_writeFailure is null && IsWriteFailure(line))
                _writeFailure = line.Trim();
            lock (_errors)
            {
                _errors.Enqueue(line);
                if (_errors.Count > 8)
                    _errors.Dequeue();
            }
        });
        _process = processor.ProcessAsynchronously(throwOnError: true, null, CancellationToken.None);
        // If FFmpeg ends (window closed, disk full), nothing reads the queue any more: close it so a waiting write fails.
        _process.ContinueWith(_ => _frames.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Writes a file; the extension chooses the format (a <c>%d</c> pattern writes PNG frames).</summary>
    public static FFmpegFrameSink ToFile(string path, int width, int height, double frameRate)
    {
        ArgumentNullException.ThrowIfNull(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return new FFmpegFrameSink(width, height, frameRate, arguments => arguments.OutputToFile(path, overwrite: true, o =>
        {
            if (path.Contains('%', StringComparison.Ordinal))
                o.WithCustomArgument("-f image2 -c:v png");
            else if (extension is ".mp4" or ".mkv" or ".mov")
                o.WithCustomArgument("-c:v libx264 -preset veryfast -crf 16 -pix_fmt yuv420p");
            else if (extension == ".y4m")
                o.WithCustomArgument("-pix_fmt yuv444p -strict -1");
        }));
    }

    /// <summary>FFmpeg takes the frames and discards them (<c>-f null</c>): the cost of handing frames to FFmpeg, for benchmarks.</summary>
    public static FFmpegFrameSink ToNull(int width, int height, double frameRate) =>
        new(width, height, frameRate, arguments => arguments.OutputToFile("-", overwrite: false, o => o.ForceFormat("null")));

    /// <summary>
    /// Shows the frames in a window (FFmpeg's SDL2 output; needs a display), <paramref name="scale"/> times the
    /// picture size. Its keys: q/Esc quit (read only when a frame arrives); the window is resizable; no pause or seek.
    /// </summary>
    public static FFmpegFrameSink ToWindow(string title, int width, int height, double frameRate, double scale = 1)
    {
        string size = string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)Math.Round(width * scale))}x{Math.Max(1, (int)Math.Round(height * scale))}");
        return new(width, height, frameRate, arguments => arguments.OutputToFile(title, overwrite: false,
            o => o.ForceFormat("sdl2").WithCustomArgument($"-pix_fmt yuv420p -window_size {size}")));
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(RawFrame frame, CancellationToken cancellationToken)
    {
        if (!await FrameQueue.TryQueueAsync(_frames.Writer, frame, cancellationToken).ConfigureAwait(false))
        {
            await _process.ConfigureAwait(false);  // surfaces FFmpeg's failure
            throw new VideoIOException("FFmpeg output ended early");
        }
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        _frames.Writer.TryComplete();
        try
        {
            await _process.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            string detail;
            lock (_errors)
                detail = _writeFailure ?? _errors.LastOrDefault()?.Trim() ?? e.Message;
            throw new VideoIOException($"FFmpeg output failed: {detail}", e);
        }
        if (_writeFailure is not null)
            throw new VideoIOException($"FFmpeg output failed: {_writeFailure}");
    }

    /// <summary>FFmpeg's messages for an output it could not write (full disk, closed pipe, I/O error).</summary>
    internal static bool IsWriteFailure(string line) =>
        line.Contains("No space left on device", StringComparison.Ordinal)
        || line.Contains("Error writing trailer", StringComparison.Ordinal)
        || line.Contains("Error closing file", StringComparison.Ordinal)
        || line.Contains("Broken pipe", StringComparison.Ordinal)
        || line.Contains("Input/output error", StringComparison.Ordinal) && line.Contains("writing", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _frames.Writer.TryComplete();
        try
        {
            await _process.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Already reported by CompleteAsync, or the run is being torn down.
        }
        while (_frames.Reader.TryRead(out RawFrame? left))
            left.Dispose();
    }

    /// <summary>Feeds FFmpeg's stdin pipe from the channel, one whole frame per write.</summary>
    private sealed class ChannelPipeSource(ChannelReader<RawFrame> frames, int width, int height, double frameRate) : IPipeSource
    {
        public string GetStreamArguments() => string.Create(CultureInfo.InvariantCulture, $"-f rawvideo -pix_fmt rgb24 -video_size {width}x{height} -framerate {frameRate}");

        public async Task WriteAsync(System.IO.Stream outputStream, CancellationToken cancellationToken)
        {
            await foreach (RawFrame frame in frames.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                using (frame)
                    await outputStream.WriteAsync(frame.RgbMemory, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
