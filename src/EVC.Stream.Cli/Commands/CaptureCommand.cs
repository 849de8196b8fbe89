using EVC.Stream.Transport;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream capture</c>: a camera, the screen, FFmpeg's test source, a file/URL or an image folder, intra-coded
/// frame by frame into an <c>.evcs</c> file with a live dashboard. Ctrl+C (or SIGTERM) stops capturing and finishes
/// the file (a second one stops coding too; the file still closes cleanly).
/// </summary>
internal sealed class CaptureCommand : Command<CaptureCommand.Settings>
{
    public sealed class Settings : OverwriteSettings
    {
        [CommandOption("--device <DEVICE>")]
        [Description("Camera number N (/dev/videoN), screen (x11grab of $DISPLAY) or test (FFmpeg's synthetic testsrc2).")]
        public string? Device { get; init; }

        [CommandOption("-i|--input <INPUT>")]
        [Description("A file or URL FFmpeg can read (including .y4m), or a folder of PNG images.")]
        public string? Input { get; init; }

        [CommandOption("-o|--output <FILE>")]
        [Description("Output .evcs, or - for stdout. Default: capture-<time>.evcs.")]
        public string? Output { get; init; }

        [CommandOption("-s|--size <WxH>")]
        [Description("Frame size. Default: the source's own; cameras 640x480; screen 1280x720; test source 128x96 on CPU (real time on 2 cores), 1280x720 on CUDA.")]
        public string? Size { get; init; }

        [CommandOption("-r|--fps <F>")]
        [Description("Frame rate. Default: the source's; 30 for live sources (10 for the test source on CPU).")]
        public double? Fps { get; init; }

        [CommandOption("--frames <N>")]
        [Description("Stop after N frames.")]
        public long? Frames { get; init; }

        [CommandOption("-t|--duration <SECONDS>")]
        [Description("Stop after this much source time.")]
        public double? Duration { get; init; }

        [CommandOption("--input-format <FMT>")]
        [Description("V4L2 camera pixel format (e.g. mjpeg, yuyv422).")]
        public string? InputFormat { get; init; }

        [CommandOption("-q|--quality <Q>")]
        [Description("A rate index 0..3 of the model's anchors (0 = lowest rate), or a q_scale such as 1.5. Default: rate index 1.")]
        public string? Quality { get; init; }

        [CommandOption("-b|--bitrate <RATE>")]
        [Description("Hold a target bitrate (e.g. 500k, 4M): q_scale adapts per frame.")]
        public string? Bitrate { get; init; }

        [CommandOption("--arch <ARCH>")]
        [Description("Architecture for official checkpoints (default EVC_SS).")]
        public string? Arch { get; init; }

        [CommandOption("--weights <FILE>")]
        [Description("Official .pth.tar or EVC.Stream .safetensors. Default: the shipped default model, models/default.safetensors (named in the start-up message).")]
        public string? Weights { get; init; }

        [CommandOption("--device-type <TYPE>")]
        [Description("cpu, cuda or auto (default).")]
        public string DeviceType { get; init; } = "auto";

        [CommandOption("--precision <P>")]
        [Description(PrecisionOption.Description)]
        public string Precision { get; init; } = "auto";

        [CommandOption("--threads <N>")]
        [Description("CPU threads for the model, shared out between the --frame-threads workers. Default: all cores.")]
        public int? Threads { get; init; }

        [CommandOption("--frame-threads <N>")]
        [Description("Frames coded at once (N or auto), each by a worker on threads/N CPU threads, written in capture order. Default auto: on CPU one per core up to 4 for tiny frames (up to 64x64 padded, e.g. 64x48), else 1 (measured: from 128x96 up one frame on all threads is as fast or faster, docs/benchmarks.md); CUDA: 1, batches fill the device.")]
        public string FrameThreads { get; init; } = "auto";

        [CommandOption("--batch <N>")]
        [Description("Frames per network pass. Default 1 on CPU, 4 on CUDA.")]
        public int? Batch { get; init; }

        [CommandOption("--encoder-level <L>")]
        [Description("Scalable-encoder models (Scale_EVC_*): a level 0..3, or auto (default): lower the level when encoding falls behind, before dropping frames.")]
        public string EncoderLevel { get; init; } = "auto";

        [CommandOption("--official")]
        [Description("Official stream mode (float entropy parameters, decodable only on the same numeric path). Default: deterministic.")]
        public bool Official { get; init; }

        [CommandOption("--stats <FILE>")]
        [Description("Write the dashboard's figures as JSON lines, one per second plus a summary.")]
        public string? Stats { get; init; }

        [CommandOption("--quiet")]
        [Description("No dashboard (errors and the final line only).")]
        public bool Quiet { get; init; }

        public override ValidationResult Validate()
        {
            if ((Device is null) == (Input is null))
                return ValidationResult.Error(Device is null ? "give a source: --device N|screen|test or -i FILE|URL|DIR" : "give --device or -i, not both");
            if (DeviceType is not ("cpu" or "cuda" or "auto"))
                return ValidationResult.Error("--device-type must be cpu, cuda or auto");
            if (Quality is not null && Bitrate is not null)
                return ValidationResult.Error("give --quality or --bitrate, not both");
            if (QualityOption.Validate(Quality) is string badQuality)
                return ValidationResult.Error(badQuality);
            if (EncoderLevel != "auto" && !(int.TryParse(EncoderLevel, NumberStyles.None, CultureInfo.InvariantCulture, out int level) && level <= 15))
                return ValidationResult.Error("--encoder-level must be 0..3 or auto");
            if (Frames is < 1)
                return ValidationResult.Error($"--frames {Frames}: must be at least 1");
            if (Duration is double duration && !(duration > 0 && duration <= Limits.MaxDurationSeconds))
                return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--duration {duration}: must be more than 0 and at most {Limits.MaxDurationSeconds:0} s (a year)"));
            if (Fps is double fps && !(fps >= Limits.MinFps && fps <= Limits.MaxFps))
                return ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"--fps {fps}: must be {Limits.MinFps}..{Limits.MaxFps}"));
            if (Threads is < 1 or > 1024)
                return ValidationResult.Error($"--threads {Threads}: must be 1..1024");
            if (!FrameParallelism.TryParse(FrameThreads, out _))
                return ValidationResult.Error($"--frame-threads {FrameThreads}: must be auto or 1..{FrameParallelism.MaxWorkers}");
            if (PrecisionOption.Validate(Precision) is { Successful: false } badPrecision)
                return badPrecision;
            if (Batch is < 1 or > Limits.MaxBatch)
                return ValidationResult.Error($"--batch {Batch}: must be 1..{Limits.MaxBatch}");
            if (Size is not null)
            {
                try
                {
                    (int width, int height) = SizeOption.Parse(Size);
                    Limits.CheckFrame(width, height, Batch ?? 1, "--size");
                }
                catch (Exception e) when (e is ArgumentException or UsageException)
                {
                    return ValidationResult.Error(e.Message);
                }
            }
            if (Bitrate is not null)
            {
                try
                {
                    ParseBitrate(Bitrate);
                }
                catch (ArgumentException e)
                {
                    return ValidationResult.Error(e.Message);
                }
            }
            return base.Validate();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        ExecuteAsync(settings, cancellationToken).GetAwaiter().GetResult();

    private static async Task<int> ExecuteAsync(Settings settings, CancellationToken cancellationToken)
    {
        string output = settings.Output ?? $"capture-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.evcs";
        OutputGuard.Check(output, settings.Overwrite, allowNetwork: true);
        // A PNG folder is read by our own decoder: such a capture runs where no FFmpeg is installed (the GPU machine).
        if (settings.Input is null || !Directory.Exists(settings.Input))
            FFmpegTool.Require();
        ComputeDevice device = ComputeDevice.Choose(settings.DeviceType);
        VideoSourceOptions source = SourceOptions(settings, device.IsCpu, out string? sizeReason);
        VideoFormat format = await VideoSource.ProbeAsync(source, cancellationToken).ConfigureAwait(false);
        Limits.CheckFrame(format.Width, format.Height, settings.Batch ?? (device.IsCpu ? 1 : 4), settings.Size is null ? $"the source's size ({source.Label})" : "--size");

        double targetBitrate = settings.Bitrate is null ? 0 : ParseBitrate(settings.Bitrate);
        Quality quality = QualityOption.Parse(settings.Quality);
        using CaptureSession session = CaptureSession.Open(new CaptureSessionOptions
        {
            Source = source,
            Weights = settings.Weights,
            Architecture = settings.Arch,
            Device = device,
            Threads = settings.Threads,
            FrameParallelism = FrameParallelism.Parse(settings.FrameThreads),
            Precision = PrecisionOption.Parse(settings.Precision),
            BatchSize = settings.Batch,
            Official = settings.Official,
            Quality = quality,
            TargetBitrate = targetBitrate,
            EncoderLevel = settings.EncoderLevel == "auto" ? -1 : int.Parse(settings.EncoderLevel, CultureInfo.InvariantCulture),
            AutoEncoderLevel = settings.EncoderLevel == "auto",
            EncoderVersion = Program.Version,
        }, format);

        bool toStdout = Program.IsStdio(output);
        TextWriter info = toStdout ? Console.Error : Console.Out;
        if (!settings.Quiet)
        {
            if (session.ModelLabel.Length > 0)
                await info.WriteLineAsync(session.ModelLabel).ConfigureAwait(false);
            if (sizeReason is not null)
                await info.WriteLineAsync(sizeReason).ConfigureAwait(false);
            await info.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"capturing {source.Label} at {format.Width}x{format.Height}, {format.FrameRate:0.##} fps → {(toStdout ? "stdout" : output)}; {session.Model.Architecture.Name} on {device.Name} {PrecisionChoice.Name(session.Precision)}{(session.FrameWorkers > 1 ? $" ({session.FrameWorkers} frames at once)" : "")}, {session.Mode.ToString().ToLowerInvariant()} mode, {(targetBitrate > 0 ? $"target {targetBitrate / 1e3:F0} kbit/s" : quality.ToString())}; Ctrl+C stops and finishes the file")).ConfigureAwait(false);
        }
        EvcsHeader header = session.Header;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var abort = new CancellationTokenSource();
        // Ctrl+C, SIGTERM (docker stop, systemd, kill) and SIGHUP (a closed terminal) stop capturing and finish the
        // file; a second one stops coding too, and the file still closes cleanly.
        using var interrupts = new InterruptHandler(stop, abort);
        PipelineStats stats = session.Stats;
        CaptureResult? result = null;
        string? closeError = null;
        async Task<CaptureResult> RunPipeline(IEvcsPacketWriter writer)
        {
            await using var dashboard = new Dashboard(stats, $"evcstream capture → {(toStdout ? "stdout" : output)} ({device.Name} {PrecisionChoice.Name(session.Precision)})", settings.Stats, settings.Quiet || toStdout && Console.IsErrorRedirected);
            return await session.RunAsync(writer, stop.Token, abort.Token).ConfigureAwait(false);
        }

        if (FFmpegStreamRelay.IsNetworkUrl(output) || TransportRemux.IsTs(output))
            (result, closeError) = await CaptureToTransportAsync(output, header, RunPipeline).ConfigureAwait(false);
        else
        {
            System.IO.Stream stream = toStdout ? Program.OpenStandardOutput() : OutputGuard.Create(output);
            try
            {
                await using (stream.ConfigureAwait(false))
                {
                    EvcsWriter writer = await EvcsWriter.CreateAsync(stream, header, new EvcsWriterOptions { FsyncInterval = TimeSpan.FromSeconds(1), LeaveOpen = true }, cancellationToken).ConfigureAwait(false);
                    await using (writer.ConfigureAwait(false))
                    {
                        result = await RunPipeline(writer).ConfigureAwait(false);
                        try
                        {
                            if (result.Error is not IOException)  // after a failed write the file already ends at its last complete packet
                                await writer.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is IOException or InvalidOperationException)
                        {
                            closeError = e.Message;
                        }
                    }
                }
            }
            catch (IOException e) when (toStdout || ErrorReporter.IsOutputFailure(e))
            {
                // Closing flushes what the writer still buffered: a full disk or a closed pipe can surface only here.
                closeError ??= e.Message;
            }
        }

        string where = toStdout ? "stdout" : output;
        if (result is null)
            throw new OutputFailedException($"writing {where} failed before the first frame: {closeError}");
        double streamSeconds = result.Written / format.FrameRate;
        string bitrateText = result.Written > 0 ? string.Create(CultureInfo.InvariantCulture, $", {PipelineStats.StreamBitrate(result.Bytes, result.Written, format.FrameRate) / 1e3:F0} kbit/s over {streamSeconds:0.##} s of stream{(targetBitrate > 0 ? $" (target {targetBitrate / 1e3:F0})" : "")}") : "";
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{where}: {result.Written} frames written, {result.Captured} captured, {result.Dropped} dropped, {result.Bytes:N0} payload bytes{bitrateText}, {stats.Snapshot().Elapsed.TotalSeconds:F1} s");
        await info.WriteLineAsync(summary).ConfigureAwait(false);
        if (closeError is not null)
            throw new OutputFailedException($"writing {where} failed after {result.Written} frames ({closeError}); the frames that reached it are playable");
        if (result.Error is not null and not OperationCanceledException)
        {
            if (result.Error is IOException io && (ErrorReporter.IsOutputFailure(io) || toStdout))
                throw new OutputFailedException($"writing {where} failed after {result.Written} frames: {io.Message}{(toStdout ? "" : "; the frames written before are playable")}", io);
            throw result.Error;
        }
        if (interrupts.Count >= 2)
            return ExitCodes.Interrupted;
        if (interrupts.Count == 0 && ExpectedFrames(settings, format, source) is long expected && result.Captured < expected - Math.Max(2, expected / 50))
            throw new PartialOutputException($"{source.Label} ended early: {result.Captured} of the {expected} frames its header declares were read (a cut or damaged file?); {where} holds the {result.Written} frames written");
        return ExitCodes.Success;
    }

    /// <summary>
    /// Capture into an MPEG transport stream: a .ts file, or FFmpeg sending it to srt://, udp:// or tcp:// (the
    /// stream header repeats every second, so a viewer can join at any time).
    /// </summary>
    private static async Task<(CaptureResult? Result, string? CloseError)> CaptureToTransportAsync(string output, EvcsHeader header, Func<IEvcsPacketWriter, Task<CaptureResult>> run)
    {
        CaptureResult? result = null;
        string? closeError = null;
        if (!FFmpegStreamRelay.IsNetworkUrl(output))
        {
            // A .ts file: the same wire format as network outputs (docs/evcs-ts.md).
            try
            {
                await using var writer = new EvcsTsWriter(OutputGuard.Create(output), header);
                result = await run(writer).ConfigureAwait(false);
            }
            catch (IOException e) when (ErrorReporter.IsOutputFailure(e))
            {
                closeError = e.Message;
            }
            return (result, closeError);
        }
        await using FFmpegStreamRelay relay = FFmpegStreamRelay.Start(output);
        try
        {
            await using (var writer = new EvcsTsWriter(relay.Input, header, leaveOpen: true))
                result = await run(writer).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            closeError = e.Message;  // FFmpeg went away; its own message follows from CompleteAsync
        }
        try
        {
            await relay.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (VideoIOException e)
        {
            closeError = e.Message;
        }
        return (result, closeError);
    }

    /// <summary>Frames a file source should deliver: its declared duration at the capture rate, capped by --frames/--duration; null when unknown or live.</summary>
    private static long? ExpectedFrames(Settings settings, VideoFormat format, VideoSourceOptions source)
    {
        if (source.Kind != VideoSourceKind.File || format.Duration is not TimeSpan declared)
            return null;
        double seconds = Math.Min(declared.TotalSeconds, settings.Duration ?? double.MaxValue);
        long expected = (long)Math.Floor(seconds * format.FrameRate + 1e-6);
        return Math.Min(expected, settings.Frames ?? long.MaxValue);
    }

    private static VideoSourceOptions SourceOptions(Settings settings, bool onCpu, out string? sizeReason)
    {
        sizeReason = null;
        (int width, int height) = settings.Size is null ? (0, 0) : SizeOption.Parse(settings.Size);
        double fps = settings.Fps ?? 0;
        VideoSourceKind kind;
        string? location = null;
        if (settings.Input is not null)
        {
            kind = Directory.Exists(settings.Input) ? VideoSourceKind.ImageFolder : VideoSourceKind.File;
            location = settings.Input;
        }
        else if (settings.Device == "screen")
            kind = VideoSourceKind.Screen;
        else if (settings.Device == "test")
        {
            kind = VideoSourceKind.Test;
            if (settings.Size is null)
            {
                (width, height) = onCpu ? (128, 96) : (1280, 720);
                if (fps == 0 && onCpu)
                    fps = 10;
                sizeReason = onCpu
                    ? "test source at 128x96, 10 fps: EVC_SS costs ~106 K multiply-adds per pixel, so on a CPU only small frames code in real time (use --size/--fps to change)"
                    : "test source at 1280x720 on CUDA (use --size to change)";
            }
        }
        else if (int.TryParse(settings.Device, NumberStyles.None, CultureInfo.InvariantCulture, out int camera))
        {
            kind = VideoSourceKind.Camera;
            location = camera.ToString(CultureInfo.InvariantCulture);
            if (!File.Exists($"/dev/video{camera}"))
                throw new VideoIOException($"no camera at /dev/video{camera}");
        }
        else
            throw new ArgumentException($"--device {settings.Device}: give a camera number, screen or test");
        return new VideoSourceOptions
        {
            Kind = kind,
            Location = location,
            Width = width,
            Height = height,
            FrameRate = fps,
            MaxFrames = settings.Frames,
            Duration = settings.Duration is double d ? TimeSpan.FromSeconds(d) : null,
            CameraInputFormat = settings.InputFormat,
        };
    }

    internal static double ParseBitrate(string text)
    {
        string t = text.Trim();
        double multiplier = 1;
        if (t.EndsWith('k') || t.EndsWith('K'))
            (multiplier, t) = (1e3, t[..^1]);
        else if (t.EndsWith('M') || t.EndsWith('m'))
            (multiplier, t) = (1e6, t[..^1]);
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value > 0 && value * multiplier <= 1e10))
            throw new ArgumentException($"--bitrate {text}: give bits per second up to 10G, e.g. 500k or 4M");
        return value * multiplier;
    }
}
