using System.Diagnostics;

namespace EVC.Stream.Pipeline.Capture;

/// <summary>
/// The scalable encoder's level per network pass. Fixed, or (auto) starting at the highest: a backlog in the capture
/// queue means the encoder is behind the source, so a cheaper encoder comes first and dropping only after that; one
/// level back up after a calm second.
/// </summary>
internal sealed class EncoderLevelPolicy
{
    private readonly int _levels;
    private readonly bool _adaptive;
    private readonly int _backlogLimit;
    private long _calmSince = Stopwatch.GetTimestamp();

    /// <summary>A policy for a model of <paramref name="levels"/> levels; <paramref name="requested"/> −1 or out of range is the highest.</summary>
    public EncoderLevelPolicy(int levels, int requested, bool auto, int captureQueue)
    {
        _levels = levels;
        _adaptive = auto && levels > 1;
        _backlogLimit = Math.Max(2, captureQueue - 1);
        Level = requested < 0 || requested >= levels ? levels - 1 : requested;
    }

    /// <summary>The level the next pass codes at.</summary>
    public int Level { get; private set; }

    /// <summary>The level statistics show: −1 for one-encoder models.</summary>
    public int ReportedLevel => _levels > 1 ? Level : -1;

    /// <summary>Adjusts the level to <paramref name="backlog"/> frames waiting in the capture queue (auto only).</summary>
    public void Observe(int backlog)
    {
        if (!_adaptive)
            return;
        if (backlog >= _backlogLimit && Level > 0)
        {
            Level--;
            _calmSince = Stopwatch.GetTimestamp();
        }
        else if (backlog > 1)
            _calmSince = Stopwatch.GetTimestamp();
        else if (Level < _levels - 1 && Stopwatch.GetElapsedTime(_calmSince).TotalSeconds > 1)
        {
            Level++;
            _calmSince = Stopwatch.GetTimestamp();
        }
    }
}
