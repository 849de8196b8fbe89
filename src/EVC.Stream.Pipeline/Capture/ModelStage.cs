using System.Diagnostics;
using System.Threading.Channels;
using static TorchSharp.torch;

namespace EVC.Stream.Pipeline.Capture;

/// <summary>
/// The networks: batches of up to <see cref="CaptureOptions.BatchSize"/> queued frames, converted, analysed at the
/// rate controller's q_scale and the encoder-level policy's level, and numbered in capture order.
/// </summary>
internal static class ModelStage
{
    /// <summary>Runs until the capture queue completes or <paramref name="cancellationToken"/> fires; every frame taken is disposed.</summary>
    public static async Task RunAsync(ChannelReader<RawFrame> input, ChannelWriter<AnalysedFrame> output, VideoFormat format, ImageCodec codec,
        CaptureOptions options, PipelineStats stats, CancellationToken cancellationToken)
    {
        StageStats modelStage = stats.Stage("model");
        using var convert = new ConvertStage(format, stats.Stage("convert"));
        var levels = new EncoderLevelPolicy(codec.Model.EncoderLevels, options.EncoderLevel, options.AutoEncoderLevel, options.CaptureQueue);
        var batch = new List<RawFrame>(options.BatchSize);
        long sequence = 0;
        while (await input.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            batch.Clear();
            levels.Observe(input.Count);
            while (batch.Count < options.BatchSize && input.TryRead(out RawFrame? frame))
                batch.Add(frame);
            if (batch.Count == 0)
                continue;
            try
            {
                Tensor pixels = convert.Convert(batch);
                long start = Stopwatch.GetTimestamp();
                double q = options.Rate.Current;
                int level = levels.Level;
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
                stats.OnCoding(q, levels.ReportedLevel);
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
