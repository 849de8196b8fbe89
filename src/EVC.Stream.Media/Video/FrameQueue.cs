using System.Threading.Channels;

namespace EVC.Stream.Media.Video;

/// <summary>The hand-over of frames from a sink's <c>WriteAsync</c> to the task that consumes them.</summary>
internal static class FrameQueue
{
    /// <summary>
    /// Queues <paramref name="frame"/> (waiting while the bounded queue is full: backpressure). Returns false when the
    /// consumer has ended and closed the queue; the frame is then disposed, as it is on cancellation (rethrown).
    /// </summary>
    public static async ValueTask<bool> TryQueueAsync(ChannelWriter<RawFrame> queue, RawFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        try
        {
            await queue.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is ChannelClosedException or OperationCanceledException)
        {
            frame.Dispose();
            if (e is OperationCanceledException)
                throw;
            return false;
        }
    }
}
