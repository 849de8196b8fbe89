using System.Runtime.InteropServices;

namespace EVC.Stream.Cli.Usage;

/// <summary>
/// SIGINT (Ctrl+C), SIGTERM and SIGHUP: the first cancels <c>stop</c> (finish the file), later ones cancel
/// <c>abort</c> (stop coding too; the file still closes cleanly). None of them kills the process while this
/// handler lives, so an output is always finished and readable.
/// </summary>
internal sealed class InterruptHandler : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenSource _abort;
    private readonly PosixSignalRegistration[] _registrations;
    private int _count;

    public InterruptHandler(CancellationTokenSource stop, CancellationTokenSource abort)
    {
        _stop = stop;
        _abort = abort;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal),
        ];
    }

    /// <summary>Signals received so far.</summary>
    public int Count => Volatile.Read(ref _count);

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;  // finish the file instead of dying
        try
        {
            if (Interlocked.Increment(ref _count) == 1)
                _stop.Cancel();
            else
                _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the command is already finishing
        }
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
            registration.Dispose();
    }
}
