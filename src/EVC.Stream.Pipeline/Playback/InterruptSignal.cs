namespace EVC.Stream.Pipeline.Playback;

/// <summary>A token cancelled (and replaced) by every key, so that waits re-evaluate what they wait for.</summary>
internal sealed class InterruptSignal : IDisposable
{
    private CancellationTokenSource _current = new();

    /// <summary>The token the next key cancels.</summary>
    public CancellationToken Token => Volatile.Read(ref _current).Token;

    /// <summary>Wakes whatever waits on the current token (a key was pressed).</summary>
    public void Interrupt()
    {
        // The old source is left to the GC rather than disposed: a waiter may still be linking to its token.
        CancellationTokenSource old = Interlocked.Exchange(ref _current, new CancellationTokenSource());
        old.Cancel();
    }

    /// <summary>Releases the current token source.</summary>
    public void Dispose() => _current.Dispose();
}
