using Xunit.Abstractions;

namespace EVC.Stream.Pipeline.Tests;

/// <summary><see cref="PlaybackScheduler"/> with a fake clock and decoders slower than real time.</summary>
public sealed class PlaybackSchedulerTests(ITestOutputHelper output)
{
    private const int Frames = 146;
    private const double FrameRate = 10;

    private static Func<int, TimeSpan> Fixed(double milliseconds) => _ => TimeSpan.FromMilliseconds(milliseconds);

    /// <summary>±20 % around the mean, reproducibly: a loaded machine.</summary>
    private static Func<int, TimeSpan> Jittered(double milliseconds)
    {
        var random = new Random(16);
        return _ => TimeSpan.FromMilliseconds(milliseconds * (0.8 + 0.4 * random.NextDouble()));
    }

    private void Report(string name, PlaybackSimulation.Outcome outcome) =>
        output.WriteLine($"{name}: presented {outcome.Presented.Count}/{Frames}, skipped {outcome.Skipped}, stale {outcome.Stale}, ends at {outcome.End.TotalSeconds:0.00} s, gaps {string.Join(",", Gaps(outcome.Presented))}");

    private static int[] Gaps(List<long> presented) => presented.Zip(presented.Skip(1), (a, b) => (int)(b - a)).ToArray();

    [Theory]
    [InlineData(1, 90.0)]    // one decoder just fast enough
    [InlineData(2, 150.0)]   // one decoder 1.5x too slow, two keep up
    [InlineData(3, 250.0)]   // 2.5x too slow, three keep up
    [InlineData(4, 400.0)]   // exactly the frame rate with four
    public void Parallel_decoders_that_keep_up_present_at_least_95_percent(int decoders, double decodeMs)
    {
        PlaybackSimulation.Outcome outcome = PlaybackSimulation.Run(Frames, FrameRate, decoders, Fixed(decodeMs));
        Report($"{decoders} x {decodeMs} ms", outcome);
        Assert.True(outcome.Presented.Count >= 0.95 * Frames, $"{outcome.Presented.Count} of {Frames} presented");
        Assert.Equal(outcome.Presented.Order(), outcome.Presented);
        // Real time: the last frame is shown about when it is due, one pre-roll after the start.
        Assert.InRange(outcome.End.TotalSeconds, (Frames - 1) / FrameRate, (Frames - 1) / FrameRate + decodeMs / 1000 + 2 / FrameRate);
    }

    [Theory]
    [InlineData(2, 180.0)]
    [InlineData(3, 270.0)]
    public void Jittered_decoders_that_keep_up_on_average_present_at_least_95_percent(int decoders, double decodeMs)
    {
        PlaybackSimulation.Outcome outcome = PlaybackSimulation.Run(Frames, FrameRate, decoders, Jittered(decodeMs));
        Report($"{decoders} x {decodeMs} ms ±20 %", outcome);
        Assert.True(outcome.Presented.Count >= 0.95 * Frames, $"{outcome.Presented.Count} of {Frames} presented");
    }

    [Theory]
    [InlineData(1, 150.0, 2.0 / 3)]   // every third frame dropped
    [InlineData(1, 250.0, 0.4)]
    [InlineData(2, 250.0, 0.8)]
    [InlineData(1, 300.0, 1.0 / 3)]
    [InlineData(2, 700.0, 2.0 / 7)]
    [InlineData(4, 1000.0, 0.4)]
    public void Decoders_that_cannot_keep_up_drop_frames_evenly_without_stalling(int decoders, double decodeMs, double throughputShare)
    {
        PlaybackSimulation.Outcome outcome = PlaybackSimulation.Run(Frames, FrameRate, decoders, Fixed(decodeMs));
        Report($"{decoders} x {decodeMs} ms", outcome);
        int[] gaps = Gaps(outcome.Presented);
        // Evenly: after the pre-roll (one frame per decoder, decoded before the clock started), gaps differ by at most 1.
        int[] steady = gaps.Skip(decoders).ToArray();
        Assert.True(steady.Max() - steady.Min() <= 1, $"gaps {string.Join(",", gaps)}");
        // As many as the decoders can do: the presented share is the throughput share, within a few frames.
        Assert.InRange(outcome.Presented.Count, throughputShare * Frames - 4, throughputShare * Frames + decoders + 2);
        // Never a stall: the stream ends on time, and the last frames are not all dropped.
        Assert.InRange(outcome.End.TotalSeconds, (Frames - 1) / FrameRate - 1, (Frames - 1) / FrameRate + decodeMs / 1000 + 2 / FrameRate);
        Assert.True(outcome.Presented[^1] >= Frames - 1 - Math.Ceiling(1 / throughputShare), $"last presented {outcome.Presented[^1]}");
        Assert.Equal(0, outcome.Stale);  // dropped before decoding, not after
    }

    [Fact]
    public void Packets_are_decoded_only_when_they_can_be_ready_in_time()
    {
        var clock = new ManualClock();
        var scheduler = new PlaybackScheduler(10, 1, clock);
        Assert.Equal(PlaybackDecision.Decode, scheduler.Decide(TimeSpan.FromSeconds(5)));  // pre-roll: the clock has not started
        scheduler.RecordDecode(TimeSpan.FromMilliseconds(250));
        Assert.True(scheduler.HasEstimate);
        clock.Now = TimeSpan.FromSeconds(3);
        scheduler.Start(scheduler.Generation, TimeSpan.Zero);  // frame 0 shown at 3 s
        Assert.Equal(PlaybackDecision.Skip, scheduler.Decide(TimeSpan.FromMilliseconds(100)));    // ready at 3.25, due 3.1 (+0.05)
        Assert.Equal(PlaybackDecision.Skip, scheduler.Decide(TimeSpan.FromMilliseconds(199)));
        Assert.Equal(PlaybackDecision.Decode, scheduler.Decide(TimeSpan.FromMilliseconds(200)));  // due 3.2, 50 ms slack
        Assert.Equal(TimeSpan.FromMilliseconds(200), scheduler.Until(TimeSpan.FromMilliseconds(200)));

        scheduler.Pause();
        clock.Now += TimeSpan.FromSeconds(10);
        Assert.Equal(TimeSpan.Zero, scheduler.Position);
        Assert.Equal(PlaybackDecision.Decode, scheduler.Decide(TimeSpan.FromMilliseconds(100)));  // paused: nothing is late
        scheduler.Resume();
        Assert.Equal(TimeSpan.FromMilliseconds(200), scheduler.Until(TimeSpan.FromMilliseconds(200)));  // the pause moved the clock

        int generation = scheduler.Restart(TimeSpan.FromSeconds(8));  // a seek: pre-roll again
        Assert.False(scheduler.IsStarted);
        Assert.Equal(TimeSpan.FromSeconds(8), scheduler.Position);  // a second key seeks from here
        scheduler.Start(generation - 1, TimeSpan.Zero);  // a stale first frame does not start the clock
        Assert.False(scheduler.IsStarted);
        scheduler.Start(generation, TimeSpan.FromSeconds(8));
        Assert.Equal(TimeSpan.FromSeconds(8), scheduler.Position);
    }

    [Fact]
    public void The_decode_time_estimate_follows_measurements()
    {
        var scheduler = new PlaybackScheduler(25, 2, new ManualClock());
        Assert.False(scheduler.HasEstimate);
        Assert.Equal(TimeSpan.Zero, scheduler.DecodeTime);
        scheduler.RecordDecode(TimeSpan.FromMilliseconds(100));
        Assert.Equal(100, scheduler.DecodeTime.TotalMilliseconds, 6);
        for (int i = 0; i < 50; i++)
            scheduler.RecordDecode(TimeSpan.FromMilliseconds(40));
        Assert.Equal(40, scheduler.DecodeTime.TotalMilliseconds, 1);
        Assert.Equal(2, scheduler.PreRollFrames);
        Assert.Equal(TimeSpan.FromMilliseconds(20), scheduler.Slack);
    }
}
