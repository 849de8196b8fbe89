using System.Diagnostics;

namespace EVC.Stream.Pipeline;

/// <summary>Counters and gauges shared by the stages of one pipeline run.</summary>
public sealed class PipelineStats
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly List<(string Name, Func<int> Depth)> _queues = [];
    private long _captured, _dropped, _late, _written, _bytes, _pixels, _lost;
    private double _qScale;
    private int _encoderLevel = -1;

    /// <summary>Creates the statistics of a run with these stages.</summary>
    public PipelineStats(string source, params string[] stages)
    {
        Source = source;
        Stages = new StageStats[stages.Length];
        for (int i = 0; i < stages.Length; i++)
            Stages[i] = new StageStats(stages[i]);
    }

    /// <summary>The source's label.</summary>
    public string Source { get; }

    /// <summary>Per-stage latency; the last is end to end (capture to file, or file to presentation).</summary>
    public StageStats[] Stages { get; }

    /// <summary>The stage named <paramref name="name"/>.</summary>
    public StageStats Stage(string name) => Array.Find(Stages, s => s.Name == name) ?? throw new ArgumentException($"no stage {name}");

    /// <summary>The stream's frame rate: the bitrate is payload bits ÷ stream duration (frames ÷ this rate), the same figure every summary gives.</summary>
    public double FrameRate { get; set; }

    /// <summary>Frames the run will handle when known (a file's index): progress and ETA.</summary>
    public long? TotalFrames { get; set; }

    /// <summary>Target bitrate in bits per second (0: none).</summary>
    public double TargetBitrate { get; set; }

    /// <summary>A status line (e.g. why the run stopped).</summary>
    public string? Message { get; set; }

    /// <summary>Frames delivered by the source.</summary>
    public long Captured => Interlocked.Read(ref _captured);

    /// <summary>Frames dropped by the drop policy.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Frames presented too late and skipped (playback).</summary>
    public long Late => Interlocked.Read(ref _late);

    /// <summary>Frames written (capture) or presented (playback).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Payload bytes written.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Frames lost before this pipeline saw them (a network receiver's gaps in the frame numbers).</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Counts <paramref name="frames"/> frames lost upstream (in transport).</summary>
    public void AddLost(long frames) => Interlocked.Add(ref _lost, frames);

    /// <summary>Registers a queue whose depth dashboards show.</summary>
    public void AddQueue(string name, Func<int> depth) => _queues.Add((name, depth));

    internal void OnCaptured() => Interlocked.Increment(ref _captured);

    internal void OnDropped() => Interlocked.Increment(ref _dropped);

    internal void OnLate() => Interlocked.Increment(ref _late);

    internal void OnWritten(int payloadBytes, long pixels)
    {
        Interlocked.Increment(ref _written);
        Interlocked.Add(ref _bytes, payloadBytes);
        Interlocked.Add(ref _pixels, pixels);
    }

    internal void OnCoding(double qScale, int encoderLevel)
    {
        Volatile.Write(ref _qScale, qScale);
        Volatile.Write(ref _encoderLevel, encoderLevel);
    }

    /// <summary>Takes a snapshot (the dashboard thread calls this about once a second); stage fps over the last interval.</summary>
    public PipelineSnapshot Snapshot() => Take(wholeRun: false);

    /// <summary>The run's summary: stage fps averaged over the whole run.</summary>
    public PipelineSnapshot Summary() => Take(wholeRun: true);

    private PipelineSnapshot Take(bool wholeRun)
    {
        long now = Stopwatch.GetTimestamp();
        long bytes = Bytes, written = Written;
        double bitrate = StreamBitrate(bytes, written, FrameRate);
        long pixels = Interlocked.Read(ref _pixels);
        var stages = new StageSnapshot[Stages.Length];
        for (int i = 0; i < stages.Length; i++)
            stages[i] = Stages[i].Snapshot(wholeRun);
        var queues = new KeyValuePair<string, int>[_queues.Count];
        for (int i = 0; i < queues.Length; i++)
            queues[i] = new(_queues[i].Name, _queues[i].Depth());
        return new PipelineSnapshot(Stopwatch.GetElapsedTime(_start, now), Source, stages, queues, Captured, Dropped, Late, written, Lost, TotalFrames, bytes, bitrate,
            TargetBitrate, pixels > 0 ? bytes * 8.0 / pixels : 0, Volatile.Read(ref _qScale), Volatile.Read(ref _encoderLevel), Message);
    }

    /// <summary>Payload bits ÷ stream duration (<paramref name="frames"/> ÷ <paramref name="frameRate"/>); 0 when either is unknown.</summary>
    public static double StreamBitrate(long payloadBytes, long frames, double frameRate) =>
        frames > 0 && frameRate > 0 ? payloadBytes * 8.0 * frameRate / frames : 0;
}
