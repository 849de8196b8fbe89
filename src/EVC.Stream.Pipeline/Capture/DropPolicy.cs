using System.Threading.Channels;

namespace EVC.Stream.Pipeline.Capture;

/// <summary>
/// The queue between the source and the model. A live source is never blocked: when the encoder falls behind, the
/// queue drops its oldest frame (the freshest picture is always the next one coded, keeping latency bounded, as a
/// video call would), returns it to its pool and counts it. Files and folders are not live: they wait instead.
/// </summary>
internal static class DropPolicy
{
    /// <summary>
    /// A bounded queue of <paramref name="capacity"/> frames that drops the oldest for a live source and waits otherwise;
    /// <paramref name="singleReader"/>: one model worker takes from it.
    /// </summary>
    public static Channel<RawFrame> CreateCaptureQueue(int capacity, bool live, bool singleReader, PipelineStats stats) =>
        Channel.CreateBounded<RawFrame>(new BoundedChannelOptions(capacity)
        {
            FullMode = live ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            SingleReader = singleReader,
            SingleWriter = true,
        }, dropped =>
        {
            dropped.Dispose();
            stats.OnDropped();
        });
}
