using System.ComponentModel;
using System.Globalization;
using EVC.Stream.Cli.Live;
using EVC.Stream.Container;
using EVC.Stream.Media.Video;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using EVC.Stream.Pipeline;
using Spectre.Console.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace EVC.Stream.Cli.Commands;

/// <summary>Options of <c>play</c> and <c>decode</c>.</summary>
internal class PlaybackSettings : CommandSettings
{
    [CommandArgument(0, "<IN>")]
    [Description("The .evcs file, or - for stdin (e.g. piped from capture -o -).")]
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

    [CommandOption("--decoders <N>")]
    [Description("Frames decoded in parallel, presented in order; the CPU threads are shared out between them. Default: one per core up to 4 on CPU, 1 on CUDA.")]
    public int? Decoders { get; init; }

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
    [Description("CPU threads. Default: all cores (any thread count decodes streams of either mode).")]
    public int? Threads { get; init; }

    [CommandOption("--follow")]
    [Description("Keep reading a file that is still being written (until its end-of-stream packet).")]
    public bool Follow { get; init; }

    [CommandOption("--stats <FILE>")]
    [Description("Write the dashboard's figures as JSON lines, one per second plus a summary.")]
    public string? Stats { get; init; }

    [CommandOption("--quiet")]
    [Description("No dashboard.")]
    public bool Quiet { get; init; }

    public override Spectre.Console.ValidationResult Validate()
    {
        if (DeviceType is not ("cpu" or "cuda" or "auto"))
            return Spectre.Console.ValidationResult.Error("--device-type must be cpu, cuda or auto");
        if (!(Scale > 0) || double.IsInfinity(Scale))
            return Spectre.Console.ValidationResult.Error("--scale must be a positive number");
        if (Decoders is < 1)
            return Spectre.Console.ValidationResult.Error("--decoders must be at least 1");
        return Threads is < 1 ? Spectre.Console.ValidationResult.Error("--threads must be at least 1") : Spectre.Console.ValidationResult.Success();
    }

    /// <summary>Plays or converts; <paramref name="pace"/> selects a player's timing.</summary>
    public async Task<int> RunAsync(bool pace, CancellationToken cancellationToken)
    {
        bool fromStdin = Program.IsStdio(Input);
        if (!fromStdin && !File.Exists(Input))
            throw new FileNotFoundException($"input not found: {Input}", Input);
        await using System.IO.Stream stream = fromStdin ? Console.OpenStandardInput() : new FileStream(Input, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, useAsync: true);
        await using EvcsReader reader = await EvcsReader.OpenAsync(stream, new EvcsReaderOptions { Follow = Follow }, cancellationToken).ConfigureAwait(false);
        EvcsHeader header = reader.Header;
        StreamMode mode = header.StreamMode == EvcsStreamMode.Official ? StreamMode.Official : StreamMode.Deterministic;
        Device device = ModelDefaults.ChooseDevice(DeviceType);
        // Parallel frames beat threads inside one small frame on CPU; torch's thread count is process-wide, so each
        // decoder gets its share of it.
        int decoders = Decoders ?? (device.type == TorchSharp.DeviceType.CPU ? Math.Clamp(Environment.ProcessorCount, 1, 4) : 1);
        set_num_threads(Math.Max(1, (Threads ?? ModelSettings.DefaultThreads(mode)) / decoders));
        (EvcModel model, string weightsLabel) = ModelDefaults.Load(Weights, Arch ?? (header.Architecture.Length > 0 ? header.Architecture : null), device);
        string hash = WeightsFileHash(model);
        if (!header.WeightsSha256.Span.SequenceEqual(new byte[32]) && !string.Equals(hash, header.WeightsSha256Hex, StringComparison.Ordinal))
            throw new ArgumentException($"{Input} was coded with weights {header.WeightsSha256Hex[..12]}…, these are {hash[..12]}…: pass the matching --weights");
        var codec = new ImageCodec(model, mode);
        double fps = header.FrameRate.IsValid ? header.FrameRate.Value : 30;

        bool rawToStdout = Program.IsStdio(Output);
        // A file or pipe gets every frame: pacing (and skipping late frames) is for a window only.
        bool toFile = pace && Output is not null;
        pace &= Output is null;
        TextWriter info = rawToStdout ? Console.Error : Console.Out;
        if (weightsLabel.Length > 0)
            await info.WriteLineAsync(weightsLabel).ConfigureAwait(false);
        IFrameSink sink;
        string target;
        if (rawToStdout)
        {
            sink = new RawStreamSink(Console.OpenStandardOutput());
            target = "stdout (raw rgb24)";
        }
        else if (Output is not null)
        {
            FFmpegTool.Require();
            sink = FFmpegFrameSink.ToFile(Output, header.Width, header.Height, fps);
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
        await info.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{(pace ? "playing" : "decoding")} {Input}: {header.Width}x{header.Height}, {fps:0.##} fps, {header.Architecture} {mode.ToString().ToLowerInvariant()} mode, {decoders} decoder(s) → {target}")).ConfigureAwait(false);
        if (toFile)
            await info.WriteLineAsync("play -o writes every frame at full speed, as decode -o does (pacing is for a window)").ConfigureAwait(false);
        else if (sink is IPlayerControls)
            await info.WriteLineAsync("keys: space pause, ←/→ seek 5 s, f fullscreen, q/Esc quit").ConfigureAwait(false);

        var stats = new PipelineStats(Input, PlaybackPipeline.StageNames);
        PlaybackResult result;
        await using (sink.ConfigureAwait(false))
        {
            await using (var dashboard = new Dashboard(stats, $"evcstream {(pace ? "play" : "decode")} {Input}", Stats, Quiet || rawToStdout && Console.IsErrorRedirected))
                result = await PlaybackPipeline.RunAsync(reader, codec, sink, new PlaybackOptions { Pace = pace, Decoders = decoders, Overlay = Overlay }, stats, cancellationToken).ConfigureAwait(false);
            await sink.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        string damage = reader.Damage.Count > 0 ? $", {reader.Damage.Count} damaged region(s) skipped" : "";
        await info.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{target}: {result.Presented} frames presented of {result.Packets} read, {result.Skipped} skipped before decoding and {result.Late} after (late), {result.Undecodable} undecodable{damage}")).ConfigureAwait(false);
        if (result.Error is not null and not OperationCanceledException)
            throw result.Error;
        return 0;
    }

    private static string WeightsFileHash(EvcModel model) => EVC.Stream.Model.Checkpoints.WeightsFile.Hash(model);
}

/// <summary><c>evcstream play IN.evcs</c>: real-time playback paced by the timestamps.</summary>
internal sealed class PlayCommand : Command<PlaybackSettings>
{
    public override int Execute(CommandContext context, PlaybackSettings settings, CancellationToken cancellationToken) =>
        settings.RunAsync(pace: true, cancellationToken).GetAwaiter().GetResult();
}

/// <summary><c>evcstream decode IN.evcs -o OUT</c>: conversion at full speed.</summary>
internal sealed class DecodeCommand : Command<PlaybackSettings>
{
    public override int Execute(CommandContext context, PlaybackSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Output is null)
            throw new ArgumentException("decode needs -o out.mp4|out.mkv|out.y4m|frames_%05d.png (or - for raw frames)");
        return settings.RunAsync(pace: false, cancellationToken).GetAwaiter().GetResult();
    }
}
