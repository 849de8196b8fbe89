using System.Diagnostics;
using System.Threading.Channels;
using static TorchSharp.torch;

namespace EVC.Stream.Pipeline.Capture;

/// <summary>
/// One model worker (<see cref="CaptureOptions.FrameWorkers"/> run at once, sharing the codec): batches of up to
/// <see cref="CaptureOptions.BatchSize"/> queued frames, numbered in capture order by the shared
/// <see cref="FrameNumbering"/>, converted, and analysed at the rate controller's q_scale and the encoder-level
/// policy's level. Workers finish out of order; the muxer restores the order.
/// </summary>
internal static class ModelStage
{
    /// <summary>
    /// Runs until the capture queue completes or <paramref name="cancellationToken"/> fires; every frame taken is
    /// disposed. Blocking, on a thread of its own: the networks are long synchronous work.
    /// </summary>
    public static void Run(FrameNumbering numbering, ChannelWriter<AnalysedFrame> output, VideoFormat format, ImageCodec codec,
        CaptureOptions options, PipelineStats stats, CancellationToken cancellationToken)
    {
        StageStats modelStage = stats.Stage("model");
        using var convert = new ConvertStage(format, stats.Stage("convert"));
        bool scalable = codec.Model.EncoderLevels > 1;
        var batch = new List<RawFrame>(options.BatchSize);
        try
        {
            while (numbering.Take(batch, options.BatchSize, out long sequence, out int level, cancellationToken))
            {
                try
                {
                    Tensor pixels = convert.Convert(batch);
                    long start = Stopwatch.GetTimestamp();
                    double q = options.Rate.Current;
                    ImageCodec.FrameSymbols[] symbols;
                    using (NewDisposeScope())
                    {
                        Device device = codec.Device;
                        Tensor x = device.type == TorchSharp.DeviceType.CPU ? pixels : pixels.to(device);
                        symbols = options.NetworkStub?.Invoke(batch.Count) ?? codec.AnalyseBatch(x, q, level);
                    }
                    if (options.ExtraModelDelay > TimeSpan.Zero && cancellationToken.WaitHandle.WaitOne(options.ExtraModelDelay))
                        cancellationToken.ThrowIfCancellationRequested();
                    modelStage.RecordBatch(Stopwatch.GetElapsedTime(start), batch.Count);
                    stats.OnCoding(q, scalable ? level : -1);
                    for (int b = 0; b < batch.Count; b++)
                    {
                        var analysed = new AnalysedFrame(sequence++, batch[b].Timestamp, batch[b].CapturedAt, symbols[b], level);
                        if (!output.TryWrite(analysed))
                            output.WriteAsync(analysed, cancellationToken).AsTask().GetAwaiter().GetResult();
                    }
                }
                finally
                {
                    foreach (RawFrame frame in batch)
                        frame.Dispose();
                    batch.Clear();
                }
            }
        }
        finally
        {
            foreach (RawFrame frame in batch)
                frame.Dispose();
        }
    }
}
