using System.Diagnostics;
using System.Threading.Channels;
using EVC.Stream.Container;
using EVC.Stream.Media.Video;
using EVC.Stream.Model.Codec;
using static TorchSharp.torch;
using EVC.Stream.Imaging;

namespace EVC.Stream.Pipeline;

/// <summary>
/// Capture → conversion and padding → batched network → parallel entropy coding → ordered muxing, on bounded
/// channels. A live source is never blocked: when the encoder falls behind, the capture queue drops its oldest frame
/// (the freshest picture is always the next one coded, keeping latency bounded, as a video call would) and counts
/// it. Files and folders are not live: they wait instead, losing nothing. Frame numbers in the file are contiguous;
/// timestamps are the source's.
/// </summary>
public static class CapturePipeline
{
    /// <summary>Stage names, in order; the last is capture-to-file latency.</summary>
    public static readonly string[] StageNames = ["capture", "convert", "model", "entropy", "mux", "capture→file"];

    private sealed record AnalysedFrame(long Sequence, TimeSpan Timestamp, long CapturedAt, ImageCodec.FrameSymbols Symbols, int Level);

    private sealed record CodedFrame(long Sequence, TimeSpan Timestamp, long CapturedAt, byte[] Payload, int QIndex, int Level);

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
        using var failure = CancellationTokenSource.CreateLinkedTokenSource(abort);
        using var stopSource = CancellationTokenSource.CreateLinkedTokenSource(stop, failure.Token);
        Exception? error = null;
        void Fail(Exception e)
        {
            Interlocked.CompareExchange(ref error, e, null);
            failure.Cancel();
        }

        Channel<RawFrame> captured = Channel.CreateBounded<RawFrame>(new BoundedChannelOptions(Math.Max(1, options.CaptureQueue))
        {
            FullMode = source.IsLive ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        }, dropped =>
        {
            dropped.Dispose();
            stats.OnDropped();
        });
        Channel<AnalysedFrame> analysed = Channel.CreateBounded<AnalysedFrame>(new BoundedChannelOptions(2 * options.BatchSize + options.EntropyWorkers) { SingleReader = false, SingleWriter = true });
        Channel<CodedFrame> coded = Channel.CreateBounded<CodedFrame>(new BoundedChannelOptions(2 * options.BatchSize + 2 * options.EntropyWorkers) { SingleReader = true });
        stats.AddQueue("captured", () => captured.Reader.Count);
        stats.AddQueue("analysed", () => analysed.Reader.Count);
        stats.AddQueue("coded", () => coded.Reader.Count);
        stats.TargetBitrate = options.Rate.IsAdaptive ? stats.TargetBitrate : 0;

        // Warm up before the source starts: the first pass builds tables, quantises the deterministic networks and
        // touches every kernel; a live source would otherwise lose its first frames to it.
        if (options.NetworkStub is null)
        using (NewDisposeScope())
        {
            Tensor warm = zeros(options.BatchSize, 3, ImageCodec.PaddedSize(format.Height), ImageCodec.PaddedSize(format.Width)).to(codec.Device);
            foreach (ImageCodec.FrameSymbols symbols in codec.AnalyseBatch(warm, options.Rate.Current, options.EncoderLevel))
                codec.EncodePayload(symbols);
        }

        Task capture = Task.Run(async () =>
        {
            StageStats stage = stats.Stage("capture");
            try
            {
                await VideoSource.RunAsync(source, format, async frame =>
                {
                    // A live queue drops its oldest instead of waiting, so TryWrite always succeeds there; a file waits
                    // for room. A frame that arrives as the run stops is still queued (and coded) when there is room.
                    if (!captured.Writer.TryWrite(frame))
                    {
                        try
                        {
                            await captured.Writer.WriteAsync(frame, stopSource.Token).ConfigureAwait(false);
                        }
                        catch
                        {
                            frame.Dispose();
                            throw;
                        }
                    }
                    // The capture stage's latency: from the frame's arrival until the pipeline took it (waits for room
                    // when a file source is faster than coding), not the interval between frames.
                    stage.Record(Stopwatch.GetElapsedTime(frame.CapturedAt));
                    stats.OnCaptured();
                }, stopSource.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopSource.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Fail(e);
            }
            finally
            {
                captured.Writer.TryComplete();
            }
        }, CancellationToken.None);

        Task model = Task.Run(async () =>
        {
            try
            {
                await ModelStageAsync(captured.Reader, analysed.Writer, format, codec, options, stats, failure.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (failure.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Fail(e);
            }
            finally
            {
                analysed.Writer.TryComplete();
                while (captured.Reader.TryRead(out RawFrame? left))
                    left.Dispose();
            }
        }, CancellationToken.None);

        var coders = new Task[Math.Max(1, options.EntropyWorkers)];
        for (int w = 0; w < coders.Length; w++)
        {
            coders[w] = Task.Run(async () =>
            {
                StageStats stage = stats.Stage("entropy");
                try
                {
                    await foreach (AnalysedFrame frame in analysed.Reader.ReadAllAsync(failure.Token).ConfigureAwait(false))
                    {
                        long start = Stopwatch.GetTimestamp();
                        byte[] payload = codec.EncodePayload(frame.Symbols);
                        stage.Record(Stopwatch.GetElapsedTime(start));
                        await coded.Writer.WriteAsync(new CodedFrame(frame.Sequence, frame.Timestamp, frame.CapturedAt, payload, frame.Symbols.QIndex, frame.Level), failure.Token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (failure.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    Fail(e);
                }
            }, CancellationToken.None);
        }
        Task codersDone = Task.WhenAll(coders).ContinueWith(_ => coded.Writer.TryComplete(), TaskScheduler.Default);

        Task mux = Task.Run(async () =>
        {
            try
            {
                await MuxStageAsync(coded.Reader, writer, format, options, stats, failure.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (failure.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Fail(e);
            }
        }, CancellationToken.None);

        await Task.WhenAll(capture, model, codersDone, mux).ConfigureAwait(false);
        if (error is null && abort.IsCancellationRequested)
            error = new OperationCanceledException("capture aborted");
        return new CaptureResult(stats.Captured, stats.Dropped, stats.Written, stats.Bytes, error);
    }

    private static async Task ModelStageAsync(ChannelReader<RawFrame> input, ChannelWriter<AnalysedFrame> output, VideoFormat format, ImageCodec codec,
        CaptureOptions options, PipelineStats stats, CancellationToken cancellationToken)
    {
        StageStats convertStage = stats.Stage("convert"), modelStage = stats.Stage("model");
        int paddedWidth = ImageCodec.PaddedSize(format.Width), paddedHeight = ImageCodec.PaddedSize(format.Height);
        int planeFloats = 3 * paddedWidth * paddedHeight;
        var inputs = new Dictionary<int, Tensor>();  // one reusable CPU tensor per batch size, converted into in place: no copy, no allocation
        var batch = new List<RawFrame>(options.BatchSize);
        long sequence = 0;
        int levels = codec.Model.EncoderLevels;
        int level = options.EncoderLevel < 0 || options.EncoderLevel >= levels ? levels - 1 : options.EncoderLevel;
        long calmSince = Stopwatch.GetTimestamp();
        try
        {
            await ModelLoopAsync().ConfigureAwait(false);
        }
        finally
        {
            foreach (Tensor pixels in inputs.Values)
                pixels.Dispose();
        }

        async Task ModelLoopAsync()
        {
        while (await input.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            batch.Clear();
            if (options.AutoEncoderLevel && levels > 1)
            {
                // Backlog means the encoder is behind the source: a cheaper encoder first, dropping only after that.
                if (input.Count >= Math.Max(2, options.CaptureQueue - 1) && level > 0)
                {
                    level--;
                    calmSince = Stopwatch.GetTimestamp();
                }
                else if (input.Count > 1)
                    calmSince = Stopwatch.GetTimestamp();
                else if (level < levels - 1 && Stopwatch.GetElapsedTime(calmSince).TotalSeconds > 1)
                {
                    level++;
                    calmSince = Stopwatch.GetTimestamp();
                }
            }
            while (batch.Count < options.BatchSize && input.TryRead(out RawFrame? frame))
                batch.Add(frame);
            if (batch.Count == 0)
                continue;
            try
            {
                long start = Stopwatch.GetTimestamp();
                if (!inputs.TryGetValue(batch.Count, out Tensor? pixels))
                    inputs[batch.Count] = pixels = empty(batch.Count, 3, paddedHeight, paddedWidth).DetachFromDisposeScope();
                Span<float> planar = TensorMemory(pixels, batch.Count * planeFloats);
                for (int b = 0; b < batch.Count; b++)
                    PixelConversion.Rgb24ToPlanar(batch[b].Rgb, format.Width, format.Height, planar.Slice(b * planeFloats, planeFloats), paddedWidth, paddedHeight);
                convertStage.RecordBatch(Stopwatch.GetElapsedTime(start), batch.Count);

                start = Stopwatch.GetTimestamp();
                double q = options.Rate.Current;
                ImageCodec.FrameSymbols[] symbols;
                using (NewDisposeScope())
                {
                    Device device = codec.Device;
                    Tensor x = device.type == TorchSharp.DeviceType.CPU ? pixels : pixels.to(device);
                    symbols = options.NetworkStub?.Invoke(batch.Count) ?? codec.AnalyseBatch(x, q, level);
                }
                if (options.ExtraModelDelay > TimeSpan.Zero)
                    await Task.Delay(options.ExtraModelDelay, cancellationToken).ConfigureAwait(false);
                modelStage.RecordBatch(Stopwatch.GetElapsedTime(start), batch.Count);
                stats.OnCoding(q, levels > 1 ? level : -1);
                for (int b = 0; b < batch.Count; b++)
                    await output.WriteAsync(new AnalysedFrame(sequence++, batch[b].Timestamp, batch[b].CapturedAt, symbols[b], level), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                foreach (RawFrame frame in batch)
                    frame.Dispose();
            }
        }
        }
    }

    private static async Task MuxStageAsync(ChannelReader<CodedFrame> input, IEvcsPacketWriter writer, VideoFormat format, CaptureOptions options, PipelineStats stats, CancellationToken cancellationToken)
    {
        StageStats muxStage = stats.Stage("mux"), endToEnd = stats.Stage("capture→file");
        var pending = new SortedDictionary<long, CodedFrame>();  // entropy coders finish out of order
        long next = 0;
        long pixels = (long)format.Width * format.Height;
        double timeBase = writer.Header.TimeBase.Value;
        await foreach (CodedFrame frame in input.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            pending.Add(frame.Sequence, frame);
            while (pending.Remove(next, out CodedFrame? ready))
            {
                long start = Stopwatch.GetTimestamp();
                long pts = (long)Math.Round(ready.Timestamp.TotalSeconds / timeBase);
                // Wall-clock capture time, for glass-to-glass latency across a network (transports carry it).
                long captureMicros = (DateTimeOffset.UtcNow - Stopwatch.GetElapsedTime(ready.CapturedAt) - DateTimeOffset.UnixEpoch).Ticks / 10;
                await writer.WriteAsync(ready.Payload, new EvcsPacketInfo(next, pts, (ushort)ready.QIndex, (byte)ready.Level), captureMicros, cancellationToken).ConfigureAwait(false);
                long done = Stopwatch.GetTimestamp();
                muxStage.Record(Stopwatch.GetElapsedTime(start, done));
                endToEnd.Record(Stopwatch.GetElapsedTime(ready.CapturedAt, done));
                stats.OnWritten(ready.Payload.Length, pixels);
                options.Rate.Observe(ready.Payload.Length);
                next++;
            }
        }
    }

    /// <summary>A CPU tensor's own memory (TorchSharp's <c>bytes</c> spans the native buffer of a contiguous CPU tensor).</summary>
    private static Span<float> TensorMemory(Tensor tensor, int count) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.bytes).Slice(0, count);

}
