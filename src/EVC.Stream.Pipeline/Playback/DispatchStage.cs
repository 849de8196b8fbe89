using System.Diagnostics;

namespace EVC.Stream.Pipeline.Playback;

/// <summary>
/// The dispatcher: asks the scheduler about each packet when a decoder is free (paced: skip a packet that cannot be
/// ready in time), then gives it a place in presentation order and hands it to the reserved decoder.
/// </summary>
internal static class DispatchStage
{
    public static async Task RunAsync(PlaybackContext context)
    {
        CancellationToken token = context.Token;
        PlaybackScheduler scheduler = context.Scheduler;
        try
        {
            await foreach (PacketItem item in context.Packets.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                EvcsPacket packet = item.Packet;
                bool handedOver = false;
                try
                {
                    if (item.Generation != scheduler.Generation)
                        continue;  // read before a seek
                    if ((packet.Info.Flags & EvcsPacketFlags.Damaged) != 0 || packet.Length == 0 || packet.Info.QIndex == 0)
                    {
                        context.Counters.OnUndecodable();
                        context.Stats.OnDropped();
                        continue;
                    }
                    // Room in the ordered queue first, then a free decoder: the decision below is made with the clock
                    // as it is when the decode would really start.
                    if (!await context.Ordered.Writer.WaitToWriteAsync(token).ConfigureAwait(false))
                        break;
                    await context.FreeDecoders.WaitAsync(token).ConfigureAwait(false);
                    if (item.Generation != scheduler.Generation || (context.Options.Pace && scheduler.Decide(context.Media(packet.Pts)) == PlaybackDecision.Skip))
                    {
                        context.FreeDecoders.Release();
                        if (item.Generation == scheduler.Generation)
                        {
                            context.Counters.OnSkipped();
                            context.Stats.OnLate();
                        }
                        continue;
                    }
                    var slot = new PresentationSlot(packet.FrameNumber, packet.Pts, item.ReadAt, item.Generation, item.BitrateBps, packet.Length);
                    bool queued = context.Ordered.Writer.TryWrite(slot) && context.Jobs.Writer.TryWrite(new DecodeJob(slot, packet));
                    Debug.Assert(queued, "the ordered queue had room and a decoder was reserved");
                    handedOver = queued;
                    if (!queued)
                        context.FreeDecoders.Release();
                }
                finally
                {
                    if (!handedOver)
                        packet.Dispose();
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
            context.Ordered.Writer.TryComplete();
            context.Jobs.Writer.TryComplete();
        }
    }
}
