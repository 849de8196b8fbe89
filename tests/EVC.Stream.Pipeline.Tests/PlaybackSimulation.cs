namespace EVC.Stream.Pipeline.Tests;

/// <summary>
/// Plays a stream through <see cref="PlaybackScheduler"/> in simulated time, as <see cref="PlaybackPipeline"/> does in
/// real time: a packet is offered when a decoder is free and the ordered queue has room; decoders take a given time
/// per frame; the presenter pre-rolls one frame per decoder, starts the clock on the first frame, then shows each
/// frame when due (dropping one only when its successor is already due).
/// </summary>
internal static class PlaybackSimulation
{
    public sealed record Outcome(List<long> Presented, int Skipped, int Stale, TimeSpan End);

    /// <param name="frames">Frames in the stream, one every 1/<paramref name="frameRate"/> s.</param>
    /// <param name="frameRate">The stream's frame rate.</param>
    /// <param name="decoders">Parallel decoders.</param>
    /// <param name="decodeTime">Wall time of decode k (on one decoder).</param>
    /// <param name="queue">Decoded or decoding frames ahead of the presenter (default: decoders + 2, as the pipeline).</param>
    public static Outcome Run(int frames, double frameRate, int decoders, Func<int, TimeSpan> decodeTime, int queue = 0)
    {
        var clock = new ManualClock();
        var scheduler = new PlaybackScheduler(frameRate, decoders, clock);
        queue = queue > 0 ? queue : decoders + 2;
        TimeSpan Media(long frame) => TimeSpan.FromSeconds(frame / frameRate);
        var busyUntil = new TimeSpan[decoders];
        var pending = new List<(long Frame, TimeSpan ReadyAt, TimeSpan Took, bool Recorded)>();  // in dispatch order
        var presented = new List<long>();
        int next = 0, skipped = 0, stale = 0, decodes = 0;
        while (next < frames || pending.Count > 0)
        {
            bool progressed = false;
            // Finished decodes feed the estimate when they finish, as a decoder reports its time.
            for (int i = 0; i < pending.Count; i++)
            {
                if (!pending[i].Recorded && pending[i].ReadyAt <= clock.Now)
                {
                    scheduler.RecordDecode(pending[i].Took);
                    pending[i] = pending[i] with { Recorded = true };
                }
            }
            // Presenter.
            if (pending.Count > 0 && pending[0].ReadyAt <= clock.Now)
            {
                if (!scheduler.IsStarted)
                {
                    int preRoll = Math.Min(scheduler.PreRollFrames, pending.Count + (frames - next));
                    if (pending.Count >= preRoll && pending.Take(preRoll).All(p => p.ReadyAt <= clock.Now) && (scheduler.HasEstimate || next == frames))
                    {
                        scheduler.Start(scheduler.Generation, Media(pending[0].Frame));
                        presented.Add(pending[0].Frame);
                        pending.RemoveAt(0);
                        progressed = true;
                    }
                }
                else if (scheduler.Until(Media(pending[0].Frame)) <= TimeSpan.Zero)
                {
                    if (scheduler.IsStale(Media(pending[0].Frame)))
                        stale++;
                    else
                        presented.Add(pending[0].Frame);
                    pending.RemoveAt(0);
                    progressed = true;
                }
            }
            // Dispatcher: one packet per free decoder, while the ordered queue has room.
            int free = Array.FindIndex(busyUntil, t => t <= clock.Now);
            if (next < frames && free >= 0 && pending.Count < queue)
            {
                if (scheduler.Decide(Media(next)) == PlaybackDecision.Decode)
                {
                    TimeSpan took = decodeTime(decodes++);
                    busyUntil[free] = clock.Now + took;
                    pending.Add((next, clock.Now + took, took, false));
                }
                else
                    skipped++;
                next++;
                progressed = true;
            }
            if (progressed)
                continue;
            // Nothing can happen now: move the clock to the next event.
            var events = new List<TimeSpan>();
            events.AddRange(busyUntil.Where(t => t > clock.Now));
            events.AddRange(pending.Where(p => p.ReadyAt > clock.Now).Select(p => p.ReadyAt));
            if (scheduler.IsStarted && pending.Count > 0 && pending[0].ReadyAt <= clock.Now)
                events.Add(clock.Now + scheduler.Until(Media(pending[0].Frame)));
            Assert.NotEmpty(events);  // a stall would leave nothing to wait for
            clock.Now = events.Min();
        }
        return new Outcome(presented, skipped, stale, clock.Now);
    }
}
