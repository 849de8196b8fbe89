using System.Diagnostics;
using System.Threading.Channels;

namespace EVC.Stream.Pipeline.Capture;

/// <summary>One entropy coder: several run in parallel, taking analysed frames as they come and finishing out of order.</summary>
internal static class EntropyStage
{
    /// <summary>Runs until the analysed queue completes or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task RunAsync(ChannelReader<AnalysedFrame> input, ChannelWriter<CodedFrame> output, ImageCodec codec, PipelineStats stats, CancellationToken cancellationToken)
    {
        StageStats stage = stats.Stage("entropy");
        await foreach (AnalysedFrame frame in input.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            long start = Stopwatch.GetTimestamp();
            byte[] payload = codec.EncodePayload(frame.Symbols);
            stage.Record(Stopwatch.GetElapsedTime(start));
            await output.WriteAsync(new CodedFrame(frame.Sequence, frame.Timestamp, frame.CapturedAt, payload, frame.Symbols.QIndex, frame.Level), cancellationToken).ConfigureAwait(false);
        }
    }
}
