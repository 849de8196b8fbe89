using System.Diagnostics;

namespace EVC.Stream.Benchmarks;

/// <summary>Pins the process to the lowest core it may run on, for the measurement's duration; restores the mask after.</summary>
internal sealed class SingleCorePin : IDisposable
{
    private readonly nint _previous;

    public SingleCorePin()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
            return;
        using var process = Process.GetCurrentProcess();
        _previous = process.ProcessorAffinity;
        long mask = _previous;
        if (mask == 0)
            return;
        process.ProcessorAffinity = (nint)(mask & -mask);
        Pinned = true;
    }

    public bool Pinned { get; }

    public void Dispose()
    {
        if (!Pinned || !(OperatingSystem.IsLinux() || OperatingSystem.IsWindows()))
            return;
        using var process = Process.GetCurrentProcess();
        process.ProcessorAffinity = _previous;
    }
}
