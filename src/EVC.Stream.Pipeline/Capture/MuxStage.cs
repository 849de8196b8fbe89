using System.Diagnostics;
using System.Threading.Channels;

namespace EVC.Stream.Pipeline.Capture;

/// <summary>
/// The muxer: coded frames back in capture order, written with contiguous frame numbers and the source's
/// timestamps; each written payload is reported to the rate controller and frees its place in the reorder window
/// (<see cref="FrameNumbering"/>), which bounds the frames waiting here for a slower one.
/// </summary>
internal static class MuxStage
{
    /// <summary>Runs until the coded queue completes or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task RunAsync(ChannelReader<CodedFrame> input, FrameNumbering numbering, IEvcsPacketWriter writer, VideoFormat format, RateController rate, PipelineStats stats, CancellationToken cancellationToken)
    {
        StageStats muxStage = stats.Stage("mux"), endToEnd = stats.Stage("capture→file");
        var pending = new SortedDictionary<long, CodedFrame>();  // model workers and entropy coders finish out of order
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
                rate.Observe(ready.Payload.Length);
                numbering.Written();
                next++;
            }
        }
    }
}
