namespace EVC.Stream.Cli.Commands;

/// <summary>Options of <c>play</c> and <c>decode</c>.</summary>
internal class PlaybackSettings : OverwriteSettings
{
    [CommandArgument(0, "<IN>")]
    [Description("The .evcs file, - for stdin (e.g. piped from capture -o -), an MPEG-TS file (.ts), or a stream URL: srt://HOST:PORT (?mode=listener), udp://@:PORT, tcp://HOST:PORT.")]
    public string Input { get; init; } = "";

    [CommandOption("-o|--output <OUT>")]
    [Description("out.mp4 / .mkv / .y4m, frames_%05d.png, or - for raw rgb24 frames on stdout. Every frame is written, unpaced: play -o is decode -o.")]
    public string? Output { get; init; }

    [CommandOption("--scale <F>")]
    [Description("play: window size as a multiple of the picture (e.g. 4 shows 128x96 at 512x384); the window stays resizable. Default 1.")]
    public double Scale { get; init; } = 1;

    [CommandOption("--overlay")]
    [Description("play: draw frame number, fps, file-to-screen latency and stream bitrate into the picture.")]
    public bool Overlay { get; init; }

    [CommandOption("--frame-threads|--decoders <N>")]
    [Description("Frames decoded at once (N or auto), presented in order; --threads is shared out between them (each gets threads/N). Default auto: on CPU one per core up to 4 for tiny frames (up to 64x64 padded, e.g. 64x48), else 1 (measured: from 128x96 up one frame on all threads is as fast or faster, docs/benchmarks.md). --decoders is the older name.")]
    public string FrameThreads { get; init; } = "auto";

    [CommandOption("--arch <ARCH>")]
    [Description("Architecture for official checkpoints (default: the file's).")]
    public string? Arch { get; init; }

    [CommandOption("--weights <FILE>")]
    [Description("Weights (default: the shipped default model, models/default.safetensors; must be the weights the file was coded with).")]
    public string? Weights { get; init; }

    [CommandOption("--device-type <TYPE>")]
    [Description("cpu, cuda or auto (default).")]
    public string DeviceType { get; init; } = "auto";

    [CommandOption("--threads <N>")]
    [Description("CPU threads, shared out between the --frame-threads decoders. Default: all cores. Any count decodes the same symbols (both stream modes); the float synthesis network may round a few pixels one level differently with another count (docs/determinism.md).")]
    public int? Threads { get; init; }

    [CommandOption("--precision <P>")]
    [Description(PrecisionOption.Description)]
    public string Precision { get; init; } = "auto";

    [CommandOption("--follow")]
    [Description("Keep reading a file that is still being written (until its end-of-stream packet).")]
    public bool Follow { get; init; }

    [CommandOption("--follow-timeout <SECONDS>")]
    [Description("With --follow: stop when the file has not grown for this long (its writer died). Default 10; 0 waits for ever.")]
    public double FollowTimeout { get; init; } = 10;

    [CommandOption("--stats <FILE>")]
    [Description("Write the dashboard's figures as JSON lines, one per second plus a summary.")]
    public string? Stats { get; init; }

    [CommandOption("--quiet")]
    [Description("No dashboard and no start-up lines (errors and the final line only).")]
    public bool Quiet { get; init; }

    public override Spectre.Console.ValidationResult Validate()
    {
        if (DeviceType is not ("cpu" or "cuda" or "auto"))
            return Spectre.Console.ValidationResult.Error("--device-type must be cpu, cuda or auto");
        if (!(FollowTimeout >= 0 && FollowTimeout <= Limits.MaxDurationSeconds))
            return Spectre.Console.ValidationResult.Error($"--follow-timeout {FollowTimeout}: must be 0..{Limits.MaxDurationSeconds} seconds");
        if (!(Scale > 0) || double.IsInfinity(Scale) || Scale > 64)
            return Spectre.Console.ValidationResult.Error($"--scale {Scale}: must be more than 0 and at most 64");
        if (!FrameParallelism.TryParse(FrameThreads, out _))
            return Spectre.Console.ValidationResult.Error($"--frame-threads {FrameThreads}: must be auto or 1..{FrameParallelism.MaxWorkers}");
        if (PrecisionOption.Validate(Precision) is { Successful: false } badPrecision)
            return badPrecision;
        return Threads is < 1 or > 1024 ? Spectre.Console.ValidationResult.Error("--threads must be 1..1024") : base.Validate();
    }

    /// <summary>Plays or converts; <paramref name="pace"/> selects a player's timing.</summary>
    public async Task<int> RunAsync(bool pace, CancellationToken cancellationToken)
    {
        bool fromStdin = Program.IsStdio(Input);
        OutputGuard.Check(Output, Overwrite);
        // MPEG-TS (a .ts file, or srt://, udp://, tcp:// received by FFmpeg) becomes an .evcs stream on the fly.
        await using TransportInput? transport = TransportInput.Handles(Input) ? TransportInput.Open(Input, cancellationToken) : null;
        await using System.IO.Stream stream = transport?.Evcs ?? (fromStdin ? Console.OpenStandardInput() : InfoCommand.OpenInput(Input));
        await using EvcsReader reader = await InfoCommand.OpenReaderAsync(stream, Input, new EvcsReaderOptions { Follow = Follow, IdleTimeout = FollowTimeout > 0 ? TimeSpan.FromSeconds(FollowTimeout) : null }, cancellationToken).ConfigureAwait(false);
        EvcsHeader header = reader.Header;
        // A forged or damaged header must not reach FFmpeg or libtorch with an impossible picture size.
        if (header.Width > Limits.MaxSide || header.Height > Limits.MaxSide || (long)header.Width * header.Height > Limits.MaxBatchPixels)
            throw new EvcsFormatException($"{Input}: the header declares {header.Width}x{header.Height} pixels, more than this tool decodes (at most {Limits.MaxSide} per side and what fits in memory)");
        // A file or pipe gets every frame: pacing (and skipping late frames) is for a window only.
        bool toFile = pace && Output is not null;
        pace &= Output is null;
        using PlaybackSession session = PlaybackSession.Open(reader, new PlaybackSessionOptions
        {
            Name = Input,
            Weights = Weights,
            Architecture = Arch,
            Device = ComputeDevice.Choose(DeviceType),
            Threads = Threads,
            FrameParallelism = FrameParallelism.Parse(FrameThreads),
            Precision = PrecisionOption.Parse(Precision),
            Pace = pace,
            Overlay = Overlay,
            CaptureTime = transport is null ? null : transport.TakeCaptureTime,
        });
        double fps = session.FrameRate;
        string weightsLabel = session.ModelLabel;

        bool rawToStdout = Program.IsStdio(Output);
        TextWriter info = rawToStdout ? Console.Error : Console.Out;
        if (weightsLabel.Length > 0 && !Quiet)
            await info.WriteLineAsync(weightsLabel).ConfigureAwait(false);
        IFrameSink sink;
        string target;
        // A file is written under a temporary name and renamed when complete: a failed decode leaves nothing behind.
        // Frame patterns (PNG per frame) are written in place.
        string? temporary = Output is not null && !rawToStdout && !Output.Contains('%', StringComparison.Ordinal)
            ? OutputGuard.TemporaryPath(Output)
            : null;
        if (rawToStdout)
        {
            sink = new RawStreamSink(Program.OpenStandardOutput());
            target = "stdout (raw rgb24)";
        }
        else if (Output is not null)
        {
            FFmpegTool.Require();
            sink = FFmpegFrameSink.ToFile(temporary ?? Output, header.Width, header.Height, fps);
            target = Output;
        }
        else if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")))
        {
            string title = $"evcstream {Path.GetFileName(Input)}";
            try
            {
                sink = await SdlWindowSink.OpenAsync(title, header.Width, header.Height, Scale, cancellationToken).ConfigureAwait(false);
                target = "window";
            }
            catch (VideoIOException e)
            {
                // FFmpeg's own SDL output: q/Esc quit, resizable, but no pause, seek or fullscreen key.
                FFmpegTool.Require();
                sink = FFmpegFrameSink.ToWindow(title, header.Width, header.Height, fps, Scale);
                target = "window";
                await info.WriteLineAsync($"{e.Message}: FFmpeg's window instead (keys: q/Esc quit only)").ConfigureAwait(false);
            }
        }
        else
            throw new ArgumentException("no display to show a window ($DISPLAY is not set): give -o out.mp4|out.mkv|out.y4m|frames_%05d.png or -o - for raw frames");
        if (!Quiet)
        {
            await info.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{(pace ? "playing" : "decoding")} {Input}: {header.Width}x{header.Height}, {fps:0.##} fps, {header.Architecture} {session.Mode.ToString().ToLowerInvariant()} mode, {session.Device.Name} {PrecisionChoice.Name(session.Precision)}, {session.Decoders} decoder(s) → {target}")).ConfigureAwait(false);
            if (toFile)
                await info.WriteLineAsync("play -o writes every frame at full speed, as decode -o does (pacing is for a window)").ConfigureAwait(false);
            else if (sink is IPlayerControls)
                await info.WriteLineAsync("keys: space pause, ←/→ seek 5 s, f fullscreen, q/Esc quit").ConfigureAwait(false);
        }

        // Received over a network: one more stage, the sender's capture to presentation here (glass to glass).
        PipelineStats stats = session.CreateStats(Input, glassToGlass: transport is not null);
        if (transport is not null)
            transport.Stats = stats;
        DashboardKind kind = Output is null ? DashboardKind.Player : DashboardKind.FileSink;
        PlaybackResult result;
        Exception? completeError = null;
        int interruptCount;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var abort = new CancellationTokenSource();
        using (var interrupts = new InterruptHandler(stop, abort))
        {
            try
            {
                await using (sink.ConfigureAwait(false))
                {
                    await using (var dashboard = new Dashboard(stats, $"evcstream {(pace ? "play" : "decode")} {Input} ({session.Device.Name} {PrecisionChoice.Name(session.Precision)})", Stats, Quiet || rawToStdout && Console.IsErrorRedirected, kind))
                    {
                        result = await session.RunAsync(sink, stats, stop.Token).ConfigureAwait(false);
                        if (transport is not null && result.Error is null)
                        {
                            // The stream has ended: frames the demuxer saw damaged after the last intact one left no gap
                            // in the numbering; the dashboard's summary counts them too.
                            long demuxLost = (await transport.ResultAsync().ConfigureAwait(false))?.Demux.FramesLost ?? 0;
                            stats.AddLost(Math.Max(0, demuxLost - stats.Lost));
                        }
                    }
                    try
                    {
                        await sink.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException or VideoIOException)
                    {
                        completeError = e;
                    }
                }
            }
            catch
            {
                OutputGuard.DeleteQuietly(temporary);
                throw;
            }
            interruptCount = interrupts.Count;
            if (interrupts.Count >= 2 || result.Error is not null and not OperationCanceledException || completeError is not null)
                OutputGuard.DeleteQuietly(temporary);  // an interrupted or failed conversion leaves no file
            else if (temporary is not null)
                File.Move(temporary, Output!, overwrite: true);
        }
        EVC.Stream.Transport.EvcsTsRemuxResult? received = transport is null ? null : await transport.ResultAsync().ConfigureAwait(false);
        // Gaps in the frame numbers count every frame that never arrived (whole frames in a dropped datagram leave the
        // demuxer nothing to notice); the demuxer's own count adds damaged frames after the last intact one.
        long lostInTransport = Math.Max(stats.Lost, received?.Demux.FramesLost ?? 0);
        string damage = (reader.Damage.Count > 0 ? $", {reader.Damage.Count} damaged region(s) skipped" : "")
            + (lostInTransport > 0 ? $", {lostInTransport} frame(s) lost in transport" : "")
            + (result.Duplicates > 0 ? $", {result.Duplicates} duplicate packet(s) dropped" : "")
            + (result.OutOfOrder > 0 ? $", {result.OutOfOrder} out-of-order packet(s) dropped" : "")
            + (reader.FollowTimedOut ? string.Create(CultureInfo.InvariantCulture, $", stopped following after {FollowTimeout:0.#} s without new data (no end-of-stream: did its writer die?)") : "");
        await info.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{target}: {result.Presented} frames presented of {result.Packets} read, {result.Skipped} skipped before decoding and {result.Late} after (late), {result.Undecodable} undecodable{damage}")).ConfigureAwait(false);
        Exception? failure = result.Error is not null and not OperationCanceledException ? result.Error : completeError;
        if (failure is IOException or VideoIOException && (rawToStdout || failure is IOException io && ErrorReporter.IsOutputFailure(io) || failure == completeError))
            throw new OutputFailedException($"writing {target} failed after {result.Presented} frames: {failure.Message}", failure);
        if (failure is not null)
            throw failure;
        if (result.Error is OperationCanceledException || interruptCount >= 2 || interruptCount == 1 && !pace)
            return ExitCodes.Interrupted;  // a conversion cut short by Ctrl+C: its file is finished but not complete
        if (result.Presented == 0 && result.Decoded == 0 && (result.Undecodable > 0 || reader.Damage.Count > 0))
            throw new PartialOutputException($"{Input}: no frame could be decoded ({result.Undecodable} undecodable{damage})");
        if (result.Undecodable > 0 || reader.Damage.Count > 0 || result.OutOfOrder > 0 || reader.FollowTimedOut || lostInTransport > 0)
            return ExitCodes.PartialOutput;  // the summary above says what was lost (frames a window skipped to keep time are not)
        return ExitCodes.Success;
    }
}
