using System.Diagnostics;
using System.Globalization;

namespace EVC.Stream.Pipeline.Playback;

/// <summary>
/// The presenter: frames in dispatch order into the sink; paced, after a pre-roll, each when it is due, a frame
/// whose successor is already due skipped as late; optionally an overlay of frame number, fps, latency and bitrate.
/// </summary>
internal sealed class PresentStage(PlaybackContext context)
{
    private readonly Queue<PresentationSlot> _ahead = new();     // slots taken from the ordered queue but not yet shown
    private readonly long[] _presentedAt = new long[64];  // ring of presentation times, for the overlay's fps

    /// <summary>Frames waiting to be shown, in the ordered queue and taken from it.</summary>
    public int Waiting => context.Ordered.Reader.Count + _ahead.Count;

    public async Task RunAsync()
    {
        StageStats presentStage = context.Stats.Stage("present"), endToEnd = context.Stats.Stage("file→screen");
        StageStats? glassToGlass = context.Options.CaptureTime is null ? null : context.Stats.Stage(PlaybackPipeline.GlassToGlassStage);
        long pixels = (long)context.Header.Width * context.Header.Height;
        PlaybackScheduler scheduler = context.Scheduler;
        CancellationToken token = context.Token;
        try
        {
            while (await FillAsync(1).ConfigureAwait(false))
            {
                if (context.Options.Pace && !scheduler.IsStarted)
                {
                    // Pre-roll: one frame per decoder decoded before the clock starts, so every decoder is busy when it
                    // does, and then until a decode was measured (a decoder's first is warm-up and does not count).
                    await FillAsync(scheduler.PreRollFrames).ConfigureAwait(false);
                    foreach (PresentationSlot waiting in _ahead)
                        await waiting.Frame.Task.WaitAsync(token).ConfigureAwait(false);
                    for (int count = _ahead.Count; !scheduler.HasEstimate; count++)
                    {
                        await FillAsync(count + 1).ConfigureAwait(false);
                        if (_ahead.Count <= count)
                            break;  // the stream ended first
                        await _ahead.Last().Frame.Task.WaitAsync(token).ConfigureAwait(false);
                    }
                }
                PresentationSlot slot = _ahead.Dequeue();
                RawFrame? frame = await slot.Frame.Task.WaitAsync(token).ConfigureAwait(false);
                if (frame is null)
                    continue;  // undecodable, counted by its decoder
                if (!await IsDueAsync(slot).ConfigureAwait(false))
                {
                    frame.Dispose();
                    continue;
                }
                if (context.Options.Overlay)
                    DrawOverlay(frame, slot);
                long start = Stopwatch.GetTimestamp();
                await context.Sink.WriteAsync(frame, token).ConfigureAwait(false);
                long done = Stopwatch.GetTimestamp();
                _presentedAt[context.Counters.Presented % _presentedAt.Length] = done;
                context.Counters.OnPresented();
                presentStage.Record(Stopwatch.GetElapsedTime(start, done));
                endToEnd.Record(Stopwatch.GetElapsedTime(slot.ReadAt, done));
                if (context.Options.CaptureTime?.Invoke(slot.FrameNumber) is long captured and > 0)
                {
                    long nowMicros = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10;
                    glassToGlass!.Record(TimeSpan.FromMicroseconds(Math.Max(0, nowMicros - captured)));
                }
                context.Stats.OnWritten(slot.PayloadBytes, pixels);  // presented frames' payload: the stream bitrate of what was shown
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            context.Fail(e);
        }
    }

    /// <summary>Returns the frames nobody presented (the run ended early) to the pool.</summary>
    public void Drain()
    {
        while (context.Ordered.Reader.TryRead(out PresentationSlot? slot))
            _ahead.Enqueue(slot);
        foreach (PresentationSlot slot in _ahead)
        {
            if (slot.Frame.Task.IsCompletedSuccessfully)
                slot.Frame.Task.Result?.Dispose();
        }
        _ahead.Clear();
    }

    /// <summary>Takes slots from the ordered queue until <paramref name="count"/> are ahead or the queue ends; false when none is.</summary>
    private async Task<bool> FillAsync(int count)
    {
        while (_ahead.Count < count && await context.Ordered.Reader.WaitToReadAsync(context.Token).ConfigureAwait(false))
        {
            while (_ahead.Count < count && context.Ordered.Reader.TryRead(out PresentationSlot? slot))
                _ahead.Enqueue(slot);
        }
        return _ahead.Count > 0;
    }

    /// <summary>
    /// Paced: waits until the frame is due (the first frame after a pre-roll starts the clock at once); false when it
    /// should not be shown: stale after a seek, or so late that its successor is already due.
    /// </summary>
    private async Task<bool> IsDueAsync(PresentationSlot slot)
    {
        if (!context.Options.Pace)
            return true;
        PlaybackScheduler scheduler = context.Scheduler;
        TimeSpan media = context.Media(slot.Pts);
        if (!scheduler.IsStarted)
        {
            // The clock starts once the first frame is shown: opening a window or filling the decoders must not make
            // the following frames late.
            scheduler.Start(slot.Generation, media);
            return slot.Generation == scheduler.Generation;
        }
        while (true)
        {
            CancellationToken interrupt = context.Interrupts.Token;  // read before the state, so a key pressed after is not missed
            if (slot.Generation != scheduler.Generation)
                return false;
            TimeSpan until = scheduler.Until(media);
            if (until <= TimeSpan.Zero)
                break;
            await WaitAsync(until == TimeSpan.MaxValue ? Timeout.InfiniteTimeSpan : until, interrupt).ConfigureAwait(false);
        }
        if (!scheduler.IsStale(media))
            return true;
        context.Counters.OnLate();
        context.Stats.OnLate();
        return false;
    }

    /// <summary>Waits <paramref name="delay"/> on the playback clock, or until <paramref name="interrupt"/> fires; failure still throws.</summary>
    private async Task WaitAsync(TimeSpan delay, CancellationToken interrupt)
    {
        CancellationToken token = context.Token;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, interrupt);
        try
        {
            await Task.Delay(delay, context.Options.Clock, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
        }
    }

    private void DrawOverlay(RawFrame frame, PresentationSlot slot)
    {
        long now = Stopwatch.GetTimestamp();
        // fps: frames presented in the last second (over the span of the last few while fewer have been).
        int count = (int)Math.Min(context.Counters.Presented, _presentedAt.Length);
        int inLastSecond = 0;
        long oldest = now;
        for (int i = 0; i < count; i++)
        {
            long at = _presentedAt[i];
            if (Stopwatch.GetElapsedTime(at, now).TotalSeconds <= 1)
            {
                inLastSecond++;
                oldest = Math.Min(oldest, at);
            }
        }
        double span = Stopwatch.GetElapsedTime(oldest, now).TotalSeconds;
        double fps = span >= 0.5 ? inLastSecond / Math.Max(span, 1) : 0;
        // lat: file read to screen (read-ahead and pre-roll included, as the dashboard's file→screen); dec: one decode.
        double latencyMs = Stopwatch.GetElapsedTime(slot.ReadAt, now).TotalMilliseconds;
        string[] lines =
        [
            string.Create(CultureInfo.InvariantCulture, $"#{slot.FrameNumber} {fps:0.0}fps"),
            string.Create(CultureInfo.InvariantCulture, $"dec {context.Scheduler.DecodeTime.TotalMilliseconds:0}ms lat {latencyMs:0}ms"),
            string.Create(CultureInfo.InvariantCulture, $"{slot.BitrateBps / 1000:0}kbit/s"),
        ];
        TextOverlay.Draw(frame, lines, Math.Max(1, frame.Width / 320));
    }
}
