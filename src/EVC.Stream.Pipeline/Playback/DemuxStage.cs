using System.Diagnostics;

namespace EVC.Stream.Pipeline.Playback;

/// <summary>
/// The demuxer: packets in frame order (each frame number once) into the read-ahead queue, with the stream bitrate
/// so far; a requested seek moves the reader through the index and starts a new generation.
/// </summary>
internal sealed class DemuxStage(PlaybackContext context) : IDisposable
{
    // Frame order, each frame number once; replaced on every seek. A paced player presents in arrival order (a packet
    // behind a shown frame is late anyway); a converter puts misplaced packets back.
    private EvcsOrderedReader _frameOrder = new(context.Reader, context.Options.Pace ? 0 : context.Options.ReorderWindow);
    private long _duplicates, _outOfOrder;

    /// <summary>Duplicated packets dropped, over every position read from.</summary>
    public long Duplicates => _duplicates + _frameOrder.Duplicates;

    /// <summary>Packets too far out of order to put back, over every position read from.</summary>
    public long OutOfOrder => _outOfOrder + _frameOrder.TooLate;

    public async Task RunAsync()
    {
        StageStats stage = context.Stats.Stage("demux");
        int generation = context.Scheduler.Generation;
        long bytes = 0;
        long? firstPts = null;
        double interval = 1 / (context.Header.FrameRate.IsValid ? context.Header.FrameRate.Value : 30);
        CancellationToken token = context.Token;
        try
        {
            while (true)
            {
                if (context.Seek.IsPending && await SeekAsync().ConfigureAwait(false) is TimeSpan position)
                {
                    // The ordering state belongs to the old position.
                    (_duplicates, _outOfOrder) = (_duplicates + _frameOrder.Duplicates, _outOfOrder + _frameOrder.TooLate);
                    _frameOrder.Dispose();
                    _frameOrder = new EvcsOrderedReader(context.Reader, context.Options.Pace ? 0 : context.Options.ReorderWindow);
                    generation = context.Scheduler.Restart(position);
                    context.Interrupts.Interrupt();  // the presenter may be waiting (paused) on a frame that is now stale
                    (bytes, firstPts) = (0, null);
                }
                long start = Stopwatch.GetTimestamp();
                EvcsPacket? read = await _frameOrder.ReadPacketAsync(token).ConfigureAwait(false);
                if (read is not EvcsPacket packet)
                    break;
                stage.Record(Stopwatch.GetElapsedTime(start));
                context.Stats.OnCaptured();
                context.Counters.OnPacketRead();
                bytes += packet.Length;
                firstPts ??= packet.Pts;
                // Stream bitrate so far: payload bits over the stream time they cover.
                double bitrate = bytes * 8 / (context.Header.ToSeconds(packet.Pts - firstPts.Value) + interval);
                var item = new PacketItem(packet, Stopwatch.GetTimestamp(), generation, bitrate);
                CancellationToken interrupt = context.Interrupts.Token;
                if (!context.Packets.Writer.TryWrite(item))
                {
                    try
                    {
                        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, interrupt);
                        await context.Packets.Writer.WriteAsync(item, linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!token.IsCancellationRequested)
                    {
                        packet.Dispose();  // a key while the queue was full (a seek while paused): the loop looks at it
                    }
                    catch
                    {
                        packet.Dispose();
                        throw;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            context.Fail(e);
        }
        finally
        {
            context.Packets.Writer.TryComplete();
        }
    }

    public void Dispose() => _frameOrder.Dispose();

    /// <summary>Moves the reader to the first indexed frame at or after the requested time; that frame's time, or null when it cannot seek.</summary>
    private async Task<TimeSpan?> SeekAsync()
    {
        TimeSpan target = context.Seek.Take();
        EvcsReader reader = context.Reader;
        if (!reader.CanSeek)
            return null;
        IReadOnlyList<EvcsIndexEntry> index = await reader.GetIndexAsync(context.Token).ConfigureAwait(false);
        if (index.Count == 0)
            return null;
        EvcsIndexEntry entry = index[^1];
        foreach (EvcsIndexEntry candidate in index)
        {
            if (context.Media(candidate.Pts) >= target)
            {
                entry = candidate;
                break;
            }
        }
        return await reader.SeekAsync(entry.FrameNumber, context.Token).ConfigureAwait(false) ? context.Media(entry.Pts) : null;
    }
}
