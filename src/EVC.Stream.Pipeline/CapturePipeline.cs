using System.Threading.Channels;
using EVC.Stream.Pipeline.Capture;
using static TorchSharp.torch;

namespace EVC.Stream.Pipeline;

/// <summary>
/// Capture → conversion and padding → batched network (one or several model workers, whole frames each) → parallel
/// entropy coding → ordered muxing, on bounded channels. A live source is never blocked: when the encoder falls behind, the capture queue drops its oldest frame
/// (the freshest picture is always the next one coded, keeping latency bounded, as a video call would) and counts
/// it. Files and folders are not live: they wait instead, losing nothing. Frame numbers in the file are contiguous;
/// timestamps are the source's.
/// </summary>
internal static class CapturePipeline
{
    /// <summary>Stage names, in order; the last is capture-to-file latency.</summary>
    public static readonly string[] StageNames = ["capture", "convert", "model", "entropy", "mux", "capture→file"];

    /// <summary>
    /// Runs until the source ends or <paramref name="stop"/> fires (then the frames already captured are still coded
    /// and written), or <paramref name="abort"/> fires (then the stages stop at once). The caller completes the writer.
    /// </summary>
    public static async Task<CaptureResult> RunAsync(VideoSourceOptions source, VideoFormat format, ImageCodec codec, IEvcsPacketWriter writer,
        CaptureOptions options, PipelineStats stats, CancellationToken stop, CancellationToken abort)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stats);
        // A failing stage cancels the others at once (as abort does); stop only ends the source.
        using var failure = CancellationTokenSource.CreateLinkedTokenSource(abort);
        using var stopSource = CancellationTokenSource.CreateLinkedTokenSource(stop, failure.Token);
        Exception? error = null;
        void Fail(Exception e)
        {
            Interlocked.CompareExchange(ref error, e, null);
            failure.Cancel();
        }

        Task RunStage(Func<Task> stage, CancellationTokenSource cancelledBy, Action? whenDone = null) => Task.Run(async () =>
        {
            try
            {
                await stage().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancelledBy.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Fail(e);
            }
            finally
            {
                whenDone?.Invoke();
            }
        }, CancellationToken.None);

        Channel<RawFrame> captured = DropPolicy.CreateCaptureQueue(options.CaptureQueue, source.IsLive, options.FrameWorkers == 1, stats);
        Channel<AnalysedFrame> analysed = Channel.CreateBounded<AnalysedFrame>(new BoundedChannelOptions(2 * options.BatchSize + options.EntropyWorkers) { SingleReader = false, SingleWriter = options.FrameWorkers == 1 });
        Channel<CodedFrame> coded = Channel.CreateBounded<CodedFrame>(new BoundedChannelOptions(2 * options.BatchSize + 2 * options.EntropyWorkers) { SingleReader = true });
        stats.AddQueue("captured", () => captured.Reader.Count);
        stats.AddQueue("analysed", () => analysed.Reader.Count);
        stats.AddQueue("coded", () => coded.Reader.Count);
        stats.TargetBitrate = options.Rate.IsAdaptive ? stats.TargetBitrate : 0;

        if (options.NetworkStub is null)
            WarmUp(format, codec, options);

        Task capture = RunStage(() => CaptureSourceStage.RunAsync(source, format, captured.Writer, stats, stopSource.Token), stopSource,
            () => captured.Writer.TryComplete());
        var levels = new EncoderLevelPolicy(codec.Model.EncoderLevels, options.EncoderLevel, options.AutoEncoderLevel, options.CaptureQueue);
        using var numbering = new FrameNumbering(captured.Reader, levels, options.ReorderWindow);
        // The networks are long synchronous work: each model worker gets a thread of its own, not the pool's.
        var workers = new Task[options.FrameWorkers];
        for (int w = 0; w < workers.Length; w++)
            workers[w] = RunStage(() => Task.Factory.StartNew(() => ModelStage.Run(numbering, analysed.Writer, format, codec, options, stats, failure.Token),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default), failure);
        Task model = Task.WhenAll(workers).ContinueWith(_ =>
        {
            analysed.Writer.TryComplete();
            while (captured.Reader.TryRead(out RawFrame? left))
                left.Dispose();
        }, TaskScheduler.Default);
        var coders = new Task[options.EntropyWorkers];
        for (int w = 0; w < coders.Length; w++)
            coders[w] = RunStage(() => EntropyStage.RunAsync(analysed.Reader, coded.Writer, codec, stats, failure.Token), failure);
        Task codersDone = Task.WhenAll(coders).ContinueWith(_ => coded.Writer.TryComplete(), TaskScheduler.Default);
        Task mux = RunStage(() => MuxStage.RunAsync(coded.Reader, numbering, writer, format, options.Rate, stats, failure.Token), failure);

        await Task.WhenAll(capture, model, codersDone, mux).ConfigureAwait(false);
        if (error is null && abort.IsCancellationRequested)
            error = new OperationCanceledException("capture aborted");
        return new CaptureResult(stats.Captured, stats.Dropped, stats.Written, stats.Bytes, error);
    }

    /// <summary>
    /// One pass before the source starts: it builds tables, quantises the deterministic networks and touches every
    /// kernel; a live source would otherwise lose its first frames to it.
    /// </summary>
    private static void WarmUp(VideoFormat format, ImageCodec codec, CaptureOptions options)
    {
        using var scope = NewDisposeScope();
        Tensor warm = zeros(options.BatchSize, 3, ImageCodec.PaddedSize(format.Height), ImageCodec.PaddedSize(format.Width)).to(codec.Device);
        foreach (ImageCodec.FrameSymbols symbols in codec.AnalyseBatch(warm, options.Rate.Current, options.EncoderLevel))
            codec.EncodePayload(symbols);
    }
}
