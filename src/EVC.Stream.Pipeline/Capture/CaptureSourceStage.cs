using System.Diagnostics;
using System.Threading.Channels;

namespace EVC.Stream.Pipeline.Capture;

/// <summary>The source: frames from FFmpeg or an image folder into the capture queue, timed from arrival until queued.</summary>
internal static class CaptureSourceStage
{
    /// <summary>Runs until the source ends or <paramref name="cancellationToken"/> fires.</summary>
    public static Task RunAsync(VideoSourceOptions source, VideoFormat format, ChannelWriter<RawFrame> output, PipelineStats stats, CancellationToken cancellationToken)
    {
        StageStats stage = stats.Stage("capture");
        return VideoSource.RunAsync(source, format, async frame =>
        {
            // A live queue drops its oldest instead of waiting, so TryWrite always succeeds there; a file waits
            // for room. A frame that arrives as the run stops is still queued (and coded) when there is room.
            if (!output.TryWrite(frame))
            {
                try
                {
                    await output.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
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
        }, cancellationToken);
    }
}
