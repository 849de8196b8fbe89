using System.Diagnostics;
using HdrHistogram;

namespace EVC.Stream.Pipeline;

/// <summary>
/// Latency and throughput of one pipeline stage: an HdrHistogram of per-item latency (microseconds, 3 significant
/// digits, up to 10 minutes) and a count. Recorded from the stage's own threads, read by the dashboard thread through
/// <see cref="Snapshot"/>; a lock keeps the two apart (a few hundred records per second at most).
/// </summary>
public sealed class StageStats(string name)
{
    private readonly LongHistogram _latency = new(TimeSpan.FromMinutes(10).Ticks / 10, 3);
    private readonly Lock _lock = new();
    private readonly long _createdTicks = Stopwatch.GetTimestamp();
    private long _count, _countAtLastSnapshot;
    private long _lastSnapshotTicks = Stopwatch.GetTimestamp();

    /// <summary>The stage's name on dashboards.</summary>
    public string Name { get; } = name;

    /// <summary>Records one item that took <paramref name="elapsed"/>.</summary>
    public void Record(TimeSpan elapsed)
    {
        long micros = Math.Clamp((long)elapsed.TotalMicroseconds, 1, _latency.HighestTrackableValue);
        lock (_lock)
        {
            _latency.RecordValue(micros);
            _count++;
        }
    }

    /// <summary>Records <paramref name="items"/> items that together took <paramref name="elapsed"/> (a batch): each gets the batch's latency.</summary>
    public void RecordBatch(TimeSpan elapsed, int items)
    {
        for (int i = 0; i < items; i++)
            Record(elapsed);
    }

    /// <summary>The figures now; fps is over the time since the previous snapshot, or with <paramref name="wholeRun"/> over the whole run (summaries).</summary>
    public StageSnapshot Snapshot(bool wholeRun = false)
    {
        lock (_lock)
        {
            long now = Stopwatch.GetTimestamp();
            double seconds = Stopwatch.GetElapsedTime(wholeRun ? _createdTicks : _lastSnapshotTicks, now).TotalSeconds;
            double fps = seconds > 0 ? (_count - (wholeRun ? 0 : _countAtLastSnapshot)) / seconds : 0;
            _countAtLastSnapshot = _count;
            _lastSnapshotTicks = now;
            return _count == 0
                ? new StageSnapshot(Name, 0, fps, 0, 0, 0, 0)
                : new StageSnapshot(Name, _count, fps, Ms(_latency.GetValueAtPercentile(50)), Ms(_latency.GetValueAtPercentile(95)),
                    Ms(_latency.GetValueAtPercentile(99)), Ms(_latency.GetMaxValue()));
        }
    }

    private static double Ms(long micros) => micros / 1000.0;
}
