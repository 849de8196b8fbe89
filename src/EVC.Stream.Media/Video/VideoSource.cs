using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using FFMpegCore;
using FFMpegCore.Pipes;
using EVC.Stream.Imaging;

namespace EVC.Stream.Media.Video;

/// <summary>
/// Reads frames from FFmpeg as packed RGB (FFmpeg converts with swscale: <c>-pix_fmt rgb24</c>, its default
/// BT.601 matrix for untagged YUV, the stream's own where tagged), through FFMpegCore's pipe output, whole frames at a
/// time into pooled buffers. PNG folders are read directly.
/// </summary>
public static class VideoSource
{
    /// <summary>The format the source will deliver (probes files; live sources take the requested or default size).</summary>
    public static async Task<VideoFormat> ProbeAsync(VideoSourceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        double rate = options.FrameRate > 0 ? options.FrameRate : 30;
        switch (options.Kind)
        {
            case VideoSourceKind.Camera:
                return new VideoFormat(Or(options.Width, 640), Or(options.Height, 480), rate);
            case VideoSourceKind.Screen:
                return new VideoFormat(Or(options.Width, 1280), Or(options.Height, 720), rate);
            case VideoSourceKind.Test:
                return new VideoFormat(Or(options.Width, 320), Or(options.Height, 240), rate);
            case VideoSourceKind.ImageFolder:
            {
                string first = ImageFiles(options.Location).FirstOrDefault() ?? throw new VideoIOException($"no PNG images in {options.Location}");
                (int width, int height, _) = PngCodec.Decode(await File.ReadAllBytesAsync(first, cancellationToken).ConfigureAwait(false));
                return new VideoFormat(Or(options.Width, width), Or(options.Height, height), rate);
            }
            default:
            {
                string input = options.Location ?? throw new ArgumentException("no input given");
                bool isUrl = input.Contains("://", StringComparison.Ordinal);
                if (!isUrl && !System.IO.File.Exists(input))
                    throw new VideoIOException($"input not found: {input}");
                FFmpegTool.Configure();
                IMediaAnalysis analysis;
                try
                {
                    analysis = isUrl ? await FFProbe.AnalyseAsync(new Uri(input), null, null, cancellationToken).ConfigureAwait(false)
                        : await FFProbe.AnalyseAsync(input, null, null, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw new VideoIOException($"FFmpeg cannot read {input}: {FirstLine(e.Message)}", e);
                }
                VideoStream video = analysis.PrimaryVideoStream ?? throw new VideoIOException($"{input} has no video stream");
                double sourceRate = video.AverageFrameRate > 0 ? video.AverageFrameRate : video.RealFrameRate > 0 ? video.RealFrameRate : 25;
                // The declared duration lets the caller tell a source that ended early from one that ended on time.
                TimeSpan declared = video.Duration > TimeSpan.Zero ? video.Duration : analysis.Duration;
                return new VideoFormat(Or(options.Width, video.Width ?? 0), Or(options.Height, video.Height ?? 0), options.FrameRate > 0 ? options.FrameRate : sourceRate,
                    isUrl || declared <= TimeSpan.Zero ? null : declared);
            }
        }
    }

    /// <summary>
    /// Runs the source until it ends, the frame limit is reached or <paramref name="cancellationToken"/> fires, handing
    /// every frame to <paramref name="onFrame"/> (which owns it from then on). Returns the number of frames delivered.
    /// </summary>
    /// <exception cref="VideoIOException">FFmpeg could not open the source, or failed while reading it.</exception>
    public static async Task<long> RunAsync(VideoSourceOptions options, VideoFormat format, Func<RawFrame, ValueTask> onFrame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(onFrame);
        if (options.Kind == VideoSourceKind.ImageFolder)
            return await RunImageFolderAsync(options, format, onFrame, cancellationToken).ConfigureAwait(false);

        FFmpegTool.Configure();
        var sink = new RawFrameSink(format, options.MaxFrames, onFrame);
        var errors = new Queue<string>();
        FFMpegArguments input = options.Kind switch
        {
            // Devices: no input buffering in FFmpeg, frames leave as they are grabbed.
            VideoSourceKind.Camera => FFMpegArguments.FromDeviceInput($"/dev/video{options.Location}", o => o.ForceFormat("v4l2")
                .WithCustomArgument(Invariant($"-fflags nobuffer {(options.CameraInputFormat is null ? "" : $"-input_format {options.CameraInputFormat} ")}-video_size {format.Width}x{format.Height} -framerate {format.FrameRate}"))),
            VideoSourceKind.Screen => FFMpegArguments.FromDeviceInput(Environment.GetEnvironmentVariable("DISPLAY") ?? throw new VideoIOException("--device screen: no $DISPLAY (x11grab needs an X server)"),
                o => o.ForceFormat("x11grab").WithCustomArgument(Invariant($"-fflags nobuffer -video_size {format.Width}x{format.Height} -framerate {format.FrameRate}"))),
            VideoSourceKind.Test => FFMpegArguments.FromFileInput(Invariant($"testsrc2=size={format.Width}x{format.Height}:rate={format.FrameRate}"), false,
                o => o.ForceFormat("lavfi").WithCustomArgument(options.Paced ? "-re" : "")),
            _ => options.Location!.Contains("://", StringComparison.Ordinal)
                ? FFMpegArguments.FromUrlInput(options.Location)
                : FFMpegArguments.FromFileInput(options.Location!, false),
        };
        FFMpegArgumentProcessor processor = input.OutputToPipe(sink, o =>
        {
            // Scale only to a requested size, resample only files at a requested rate: otherwise frames pass untouched.
            var filters = new List<string>();
            if (options.Width > 0 || options.Height > 0)
                filters.Add(Invariant($"scale={format.Width}:{format.Height}"));
            if (options.FrameRate > 0 && options.Kind is VideoSourceKind.File)
                filters.Add(Invariant($"fps={format.FrameRate}"));
            o.WithCustomArgument(filters.Count > 0 ? $"-an -sn -vf {string.Join(',', filters)}" : "-an -sn");
            if (options.IsLive)
                o.WithCustomArgument("-flush_packets 1");  // hand each frame over as soon as it exists: no bursts
            if (options.MaxFrames is long frames)
                o.WithCustomArgument(Invariant($"-frames:v {frames}"));
            if (options.Duration is TimeSpan duration)
                o.WithCustomArgument(Invariant($"-t {duration.TotalSeconds}"));
        }).NotifyOnStandardError(line =>
        {
            lock (errors)
            {
                errors.Enqueue(line);
                if (errors.Count > 8)
                    errors.Dequeue();
            }
        }).CancellableThrough(cancellationToken, TimeSpan.FromSeconds(2));

        try
        {
            await processor.ProcessAsynchronously(throwOnError: true, null, CancellationToken.None).ConfigureAwait(false);  // cancellation goes through CancellableThrough: FFmpeg quits cleanly
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not OperationCanceledException && !sink.StoppedByConsumer)
        {
            string detail;
            lock (errors)
                detail = errors.LastOrDefault(l => l.Contains("rror", StringComparison.Ordinal) || l.Contains("No such", StringComparison.Ordinal)) ?? errors.LastOrDefault() ?? FirstLine(e.Message);
            if (sink.Delivered == 0)
                throw new VideoIOException($"FFmpeg cannot open {options.Label}: {detail.Trim()}", e);
            throw new VideoIOException($"FFmpeg stopped reading {options.Label} after {sink.Delivered} frames: {detail.Trim()}", e);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested || sink.StoppedByConsumer)
        {
            // Cancelled: FFmpeg was asked to quit; the frames delivered so far stand.
        }
        return sink.Delivered;
    }

    private static async Task<long> RunImageFolderAsync(VideoSourceOptions options, VideoFormat format, Func<RawFrame, ValueTask> onFrame, CancellationToken cancellationToken)
    {
        long index = 0;
        foreach (string file in ImageFiles(options.Location))
        {
            if (cancellationToken.IsCancellationRequested || (options.MaxFrames is long max && index >= max))
                break;
            TimeSpan timestamp = TimeSpan.FromSeconds(index / format.FrameRate);
            if (options.Duration is TimeSpan duration && timestamp >= duration)
                break;
            (int width, int height, byte[] rgb) = PngCodec.Decode(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
            if (width != format.Width || height != format.Height)
                throw new VideoIOException($"{Path.GetFileName(file)} is {width}x{height}; every image of the folder must be {format.Width}x{format.Height}");
            RawFrame frame = RawFrame.Rent(width, height, index++, timestamp, Stopwatch.GetTimestamp());
            rgb.CopyTo(frame.Rgb);
            await onFrame(frame).ConfigureAwait(false);
        }
        return index;
    }

    private static string[] ImageFiles(string? folder)
    {
        if (folder is null || !Directory.Exists(folder))
            throw new VideoIOException($"image folder not found: {folder}");
        string[] files = Directory.GetFiles(folder, "*.png");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    private static int Or(int value, int fallback) => value > 0 ? value : fallback;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? text;

    /// <summary>Reads FFmpeg's rawvideo output a whole frame at a time into pooled buffers.</summary>
    private sealed class RawFrameSink(VideoFormat format, long? maxFrames, Func<RawFrame, ValueTask> onFrame) : IPipeSink
    {
        public long Delivered { get; private set; }

        public bool StoppedByConsumer { get; private set; }

        public string GetStreamArguments() => "-f rawvideo -pix_fmt rgb24";

        public async Task ReadAsync(System.IO.Stream inputStream, CancellationToken cancellationToken)
        {
            int frameBytes = 3 * format.Width * format.Height;
            while (maxFrames is null || Delivered < maxFrames)
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(frameBytes);
                int filled = 0;
                while (filled < frameBytes)
                {
                    // Read to end of stream regardless of FFMpegCore's token: it fires when FFmpeg exits, while the
                    // last frames may still sit in the pipe. Stopping goes through FFmpeg quitting, which ends the stream.
                    int read = await inputStream.ReadAsync(buffer.AsMemory(filled, frameBytes - filled), CancellationToken.None).ConfigureAwait(false);
                    if (read == 0)
                        break;
                    filled += read;
                }
                if (filled < frameBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);  // end of stream (a partial last frame is dropped)
                    return;
                }
                long now = Stopwatch.GetTimestamp();
                // Constant frame rate: frame n is at n / fps. Arrival times are not used — FFmpeg and the pipe deliver
                // in bursts (startup, buffering), which would make a player skip frames; dropped frames keep their numbers.
                TimeSpan timestamp = TimeSpan.FromSeconds(Delivered / format.FrameRate);
                await onFrame(new RawFrame(buffer, format.Width, format.Height, Delivered, timestamp, now)).ConfigureAwait(false);
                Delivered++;
            }
            StoppedByConsumer = true;
        }
    }
}
