namespace EVC.Stream.Pipeline;

/// <summary>
/// Chooses, by the playback clock, which packets are worth decoding. Every frame is intra-coded, so a packet that
/// cannot be ready by its presentation time is skipped before it costs a decode: a decoder slower than the frame rate
/// then drops frames evenly instead of decoding everything late. The clock starts when the first frame is presented,
/// after a pre-roll of one frame per decoder, so opening a window or filling the decoders never makes frames late.
/// </summary>
/// <remarks>
/// Pure bookkeeping over an injectable <see cref="TimeProvider"/>: no threads, no waiting. <see cref="Decide"/> is
/// asked when a decoder is free (the decode would start now), <see cref="Start"/> by the presenter; a lock keeps the
/// two callers consistent. Times are media times from the start of the stream.
/// </remarks>
internal sealed class PlaybackScheduler
{
    /// <summary>Weight of a new decode-time measurement in the running estimate.</summary>
    private const double EstimateWeight = 0.2;

    private readonly TimeProvider _clock;
    private readonly long _origin;
    private readonly Lock _gate = new();
    private double _decodeSeconds;
    private bool _measured;
    private bool _started;
    private bool _paused;
    private TimeSpan _anchorWall;   // clock time at which _anchorMedia was (or would have been) presented
    private TimeSpan _anchorMedia;
    private TimeSpan _pausedMedia;
    private TimeSpan _nextDecode;   // media time before which no further packet is decoded (the even-drop grid)
    private int _generation;

    /// <summary>A scheduler for a stream of <paramref name="frameRate"/> frames per second decoded by <paramref name="decoders"/> parallel decoders.</summary>
    public PlaybackScheduler(double frameRate, int decoders, TimeProvider? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(decoders, 1);
        if (!(frameRate > 0) || double.IsInfinity(frameRate))
            throw new ArgumentOutOfRangeException(nameof(frameRate), "the frame rate must be positive");
        _clock = clock ?? TimeProvider.System;
        _origin = _clock.GetTimestamp();
        Decoders = decoders;
        FrameInterval = TimeSpan.FromSeconds(1 / frameRate);
    }

    /// <summary>Parallel decoders.</summary>
    public int Decoders { get; }

    /// <summary>The stream's frame interval.</summary>
    public TimeSpan FrameInterval { get; }

    /// <summary>
    /// Frames decoded before the clock starts: one per decoder, so every decoder is busy when it does (and, see
    /// <see cref="HasEstimate"/>, until a decode was measured).
    /// </summary>
    public int PreRollFrames => Decoders;

    /// <summary>How late a frame may be and still count as in time: half a frame interval (timer and scheduling jitter).</summary>
    public TimeSpan Slack => FrameInterval / 2;

    /// <summary>Running estimate of one decode's wall time (zero until the first is measured).</summary>
    public TimeSpan DecodeTime
    {
        get
        {
            lock (_gate)
                return TimeSpan.FromSeconds(_decodeSeconds);
        }
    }

    /// <summary>True once the first frame (of the current <see cref="Generation"/>) was presented.</summary>
    public bool IsStarted
    {
        get
        {
            lock (_gate)
                return _started;
        }
    }

    /// <summary>True while paused.</summary>
    public bool IsPaused
    {
        get
        {
            lock (_gate)
                return _paused;
        }
    }

    /// <summary>Counts restarts (seeks): frames of an older generation are stale.</summary>
    public int Generation
    {
        get
        {
            lock (_gate)
                return _generation;
        }
    }

    /// <summary>Clock time since the scheduler was made.</summary>
    public TimeSpan Now => _clock.GetElapsedTime(_origin);

    /// <summary>The media time being shown now (frozen while paused; zero before the clock starts).</summary>
    public TimeSpan Position
    {
        get
        {
            lock (_gate)
                return PositionLocked(Now);
        }
    }

    /// <summary>True once a decode was measured: the clock should not start before (the pre-roll waits for it).</summary>
    public bool HasEstimate
    {
        get
        {
            lock (_gate)
                return _measured;
        }
    }

    /// <summary>
    /// Adds one measured decode (wall time on one decoder, contention included) to the estimate, a running mean.
    /// Leave out warm-up decodes (a decoder's first: lazily built tables, first allocations), several times a normal one.
    /// </summary>
    public void RecordDecode(TimeSpan elapsed)
    {
        lock (_gate)
        {
            _decodeSeconds = _measured ? _decodeSeconds + EstimateWeight * (elapsed.TotalSeconds - _decodeSeconds) : elapsed.TotalSeconds;
            _measured = true;
        }
    }

    /// <summary>
    /// Whether to decode the packet due at <paramref name="mediaTime"/>, asked when a decoder is free; a
    /// <see cref="PlaybackDecision.Decode"/> answer is a commitment (the packet is decoded). Two rules:
    /// <list type="bullet">
    /// <item>in time: it would be ready (now + the decode-time estimate) by its presentation time plus <see cref="Slack"/>;</item>
    /// <item>evenly: decodes are spaced at least the decoders' throughput period (decode time ÷ decoders) apart in
    /// media time, on a running grid, so decoders that cannot keep up take every k-th frame (k varying by at most 1)
    /// instead of bursts of consecutive frames whenever they all come free at once.</item>
    /// </list>
    /// Before the clock starts (pre-roll) and while paused every packet is decoded.
    /// </summary>
    public PlaybackDecision Decide(TimeSpan mediaTime)
    {
        TimeSpan now = Now;
        lock (_gate)
        {
            if (!_started || _paused)
                return PlaybackDecision.Decode;
            if (mediaTime + Slack < _nextDecode)
                return PlaybackDecision.Skip;
            TimeSpan readyAt = now + TimeSpan.FromSeconds(_decodeSeconds);
            if (readyAt > DueLocked(mediaTime) + Slack)
                return PlaybackDecision.Skip;
            // The grid advances by one throughput period; it restarts from this frame when late skips left it behind.
            TimeSpan period = TimeSpan.FromSeconds(_decodeSeconds / Decoders);
            _nextDecode = (_nextDecode > mediaTime - Slack ? _nextDecode : mediaTime - Slack) + period;
            return PlaybackDecision.Decode;
        }
    }

    /// <summary>
    /// Starts the clock: the frame at <paramref name="mediaTime"/> is presented now. Ignored when
    /// <paramref name="generation"/> is stale (a seek came in between) or the clock already runs.
    /// </summary>
    public void Start(int generation, TimeSpan mediaTime)
    {
        TimeSpan now = Now;
        lock (_gate)
        {
            if (generation != _generation || _started)
                return;
            _started = true;
            _anchorWall = now;
            _anchorMedia = mediaTime;
            _pausedMedia = mediaTime;
            _nextDecode = mediaTime;
        }
    }

    /// <summary>How long until the frame at <paramref name="mediaTime"/> is due (negative: overdue; while paused, <see cref="TimeSpan.MaxValue"/>).</summary>
    public TimeSpan Until(TimeSpan mediaTime)
    {
        TimeSpan now = Now;
        lock (_gate)
        {
            if (!_started)
                return TimeSpan.Zero;
            return _paused ? TimeSpan.MaxValue : DueLocked(mediaTime) - now;
        }
    }

    /// <summary>
    /// True when a decoded frame is too late to be worth showing: its successor is already due. (Packets are
    /// skipped before decoding; this only catches decodes that took far longer than estimated.)
    /// </summary>
    public bool IsStale(TimeSpan mediaTime) => Until(mediaTime) < -FrameInterval;

    /// <summary>Freezes the clock.</summary>
    public void Pause()
    {
        TimeSpan now = Now;
        lock (_gate)
        {
            if (_paused)
                return;
            _pausedMedia = PositionLocked(now);
            _paused = true;
        }
    }

    /// <summary>Lets the clock run again from where it was paused.</summary>
    public void Resume()
    {
        TimeSpan now = Now;
        lock (_gate)
        {
            if (!_paused)
                return;
            _paused = false;
            _anchorWall = now;
            _anchorMedia = _pausedMedia;
        }
    }

    /// <summary>
    /// A seek to <paramref name="position"/>: stops the clock until the next first frame (a new pre-roll) and returns
    /// the new generation. <see cref="Position"/> reads <paramref name="position"/> meanwhile, so seeks add up.
    /// </summary>
    public int Restart(TimeSpan position)
    {
        lock (_gate)
        {
            _started = false;
            _anchorMedia = position;
            _pausedMedia = position;
            return ++_generation;
        }
    }

    private TimeSpan DueLocked(TimeSpan mediaTime) => _anchorWall + (mediaTime - _anchorMedia);

    private TimeSpan PositionLocked(TimeSpan now)
    {
        if (!_started)
            return _anchorMedia;
        return _paused ? _pausedMedia : _anchorMedia + (now - _anchorWall);
    }
}
