using System.Diagnostics;
using System.Runtime.InteropServices;
using EVC.Stream.Entropy;
using EVC.Stream.Imaging;
using static TorchSharp.torch;

namespace EVC.Stream.Pipeline.Playback;

/// <summary>
/// One decoder thread (several run at once, sharing the codec): entropy decoding interleaved with the networks, then
/// conversion to rgb24; a corrupt payload is counted and its slot ends empty.
/// </summary>
internal static class DecodeStage
{
    /// <summary>Decodes jobs until the dispatcher is done; blocking, on a thread of its own.</summary>
    public static void Run(PlaybackContext context)
    {
        StageStats decodeStage = context.Stats.Stage("decode"), convertStage = context.Stats.Stage("convert");
        EvcsHeader header = context.Header;
        // The codec's own padding rule, not the header's fields: a damaged header must not misread the planes.
        int paddedWidth = ImageCodec.PaddedSize(header.Width), paddedHeight = ImageCodec.PaddedSize(header.Height);
        bool warm = false;  // this thread's first decode is warm-up (lazy tables, first allocations): not timed for the scheduler
        CancellationToken token = context.Token;
        try
        {
            // Blocking waits are fine: this thread is the decoder's own.
            while (context.Jobs.Reader.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult())
            {
                while (context.Jobs.Reader.TryRead(out DecodeJob job))
                {
                    try
                    {
                        job.Slot.Frame.TrySetResult(DecodeOne(context, job, paddedWidth, paddedHeight, decodeStage, convertStage, warm));
                        warm = true;
                    }
                    catch
                    {
                        job.Slot.Frame.TrySetCanceled(CancellationToken.None);
                        throw;
                    }
                    finally
                    {
                        job.Packet.Dispose();
                        context.FreeDecoders.Release();
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
            // Jobs nobody will decode: their slots end empty so the presenter does not wait for them.
            while (context.Jobs.Reader.TryRead(out DecodeJob left))
            {
                left.Slot.Frame.TrySetResult(null);
                left.Packet.Dispose();
                context.FreeDecoders.Release();
            }
        }
    }

    /// <summary>Decodes one packet to a frame; null when its payload is corrupt.</summary>
    private static RawFrame? DecodeOne(PlaybackContext context, DecodeJob job, int paddedWidth, int paddedHeight, StageStats decodeStage, StageStats convertStage, bool timed)
    {
        EvcsHeader header = context.Header;
        EvcsPacket packet = job.Packet;
        long start = Stopwatch.GetTimestamp();
        RawFrame frame = RawFrame.Rent(header.Width, header.Height, packet.FrameNumber, context.Media(packet.Pts), job.Slot.ReadAt);
        try
        {
            if (context.Options.NetworkStub is not null)
            {
                float[] planar = context.Options.NetworkStub(packet);
                long decodedAt = Stopwatch.GetTimestamp();
                decodeStage.Record(Stopwatch.GetElapsedTime(start, decodedAt));
                PixelConversion.PlanarToRgb24(planar, paddedWidth, paddedHeight, frame.Rgb, header.Width, header.Height);
                convertStage.Record(Stopwatch.GetElapsedTime(decodedAt));
            }
            else
            {
                // Every tensor of the decode dies with this scope (scopes are per thread, so decoders do not share one).
                using var scope = NewDisposeScope();
                Tensor xHat = context.Codec.DecompressPayload(packet.Payload, header.Height, header.Width, packet.Info.QIndex, context.Mode);
                long decodedAt = Stopwatch.GetTimestamp();
                decodeStage.Record(Stopwatch.GetElapsedTime(start, decodedAt));
                ImageCodec.CopyToRgb24(xHat, frame.Rgb, header.Width, header.Height);
                convertStage.Record(Stopwatch.GetElapsedTime(decodedAt));
            }
        }
        catch (EntropyCodingException)
        {
            frame.Dispose();
            context.Counters.OnUndecodable();
            context.Stats.OnDropped();
            return null;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
        if (timed)
            context.Scheduler.RecordDecode(Stopwatch.GetElapsedTime(start));
        context.Counters.OnDecoded();
        return frame;
    }
}
