using System.Threading.Channels;

namespace EVC.Stream.Pipeline.Capture;

/// <summary>
/// What the model workers share: the capture queue they take from, the frame numbers (given in capture order, one
/// batch at a time under a lock, so workers never interleave a batch), the encoder-level policy, and the muxer's
/// reorder window. A worker takes a place in the window for each frame it numbers; the muxer frees the place when it
/// writes that frame. A frame the drop policy discards never got a number (dropping happens in the queue, before
/// numbering), so it cannot hold up the reorder; a slow frame holds back at most the window's size behind it.
/// </summary>
internal sealed class FrameNumbering : IDisposable
{
    private readonly ChannelReader<RawFrame> _input;
    private readonly EncoderLevelPolicy _levels;
    private readonly SemaphoreSlim _places;
    private readonly Lock _lock = new();
    private long _next;

    /// <summary>Numbers frames from <paramref name="input"/> with at most <paramref name="window"/> of them unwritten.</summary>
    public FrameNumbering(ChannelReader<RawFrame> input, EncoderLevelPolicy levels, int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _input = input;
        _levels = levels;
        _places = new SemaphoreSlim(window, window);
    }

    /// <summary>
    /// Blocks (on the worker's own thread) until a place in the window is free and a frame is queued, then takes up to
    /// <paramref name="max"/> queued frames (as many as the window has places for) into <paramref name="batch"/>,
    /// numbered from <paramref name="first"/>, at the level the policy sets for them. False when the queue is complete
    /// and empty.
    /// </summary>
    public bool Take(List<RawFrame> batch, int max, out long first, out int level, CancellationToken cancellationToken)
    {
        batch.Clear();
        while (true)
        {
            _places.Wait(cancellationToken);
            int places = 1;
            try
            {
                ValueTask<bool> waiting = _input.WaitToReadAsync(cancellationToken);
                bool more = waiting.IsCompletedSuccessfully ? waiting.Result : waiting.AsTask().GetAwaiter().GetResult();
                if (!more)
                {
                    (first, level) = (_next, _levels.Level);
                    return false;
                }
                lock (_lock)
                {
                    _levels.Observe(_input.Count);
                    level = _levels.Level;
                    while (batch.Count < max && (batch.Count < places || TakePlace(ref places)) && _input.TryRead(out RawFrame? frame))
                        batch.Add(frame);
                    first = _next;
                    _next += batch.Count;
                }
            }
            finally
            {
                if (places > batch.Count)
                    _places.Release(places - batch.Count);
            }
            if (batch.Count > 0)
                return true;
            // Another worker took the frame between the wait and the lock: wait again.
        }
    }

    /// <summary>The muxer wrote a frame: its place is free.</summary>
    public void Written() => _places.Release();

    /// <summary>Frees the window's semaphore.</summary>
    public void Dispose() => _places.Dispose();

    private bool TakePlace(ref int places)
    {
        if (!_places.Wait(0))
            return false;
        places++;
        return true;
    }
}
