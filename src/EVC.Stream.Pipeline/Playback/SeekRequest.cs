namespace EVC.Stream.Pipeline.Playback;

/// <summary>The seek keys asked for and the demuxer has not yet done: set by the control loop, taken by the demuxer.</summary>
internal sealed class SeekRequest
{
    private readonly Lock _gate = new();
    private long _targetTicks;   // guarded by _gate, with _requested
    private int _requested;

    /// <summary>True when a seek waits for the demuxer.</summary>
    public bool IsPending => Volatile.Read(ref _requested) != 0;

    /// <summary>Asks to move by <paramref name="step"/> from <paramref name="position"/>, or from the target of a seek not yet done.</summary>
    public void Request(TimeSpan step, TimeSpan position)
    {
        lock (_gate)
        {
            // Keys pressed before the demuxer got to the last one add up.
            TimeSpan from = _requested != 0 ? TimeSpan.FromTicks(_targetTicks) : position;
            _targetTicks = Math.Max(0, (from + step).Ticks);
            _requested = 1;
        }
    }

    /// <summary>The requested position, clearing the request.</summary>
    public TimeSpan Take()
    {
        lock (_gate)
        {
            _requested = 0;
            return TimeSpan.FromTicks(_targetTicks);
        }
    }
}
