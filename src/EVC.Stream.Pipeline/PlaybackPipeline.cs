using System.Diagnostics;
using System.Threading.Channels;
using EVC.Stream.Container;
using EVC.Stream.Entropy;
using EVC.Stream.Media.Video;
using EVC.Stream.Model.Codec;
using static TorchSharp.torch;

namespace EVC.Stream.Pipeline;

/// <summary>How frames are presented.</summary>
public sealed record PlaybackOptions
{
    /// <summary>Present at the pace of the timestamps and skip frames that come too late (a player); false: as fast as possible (a converter).</summary>
    public bool Pace { get; init; }

    /// <summary>Packets read ahead of the decoder.</summary>
    public int ReadAhead { get; init; } = 8;

    /// <summary>
    /// Packets held to put misplaced ones back in frame order when not pacing (<see cref="EvcsOrderedReader"/>). A paced
    /// player presents in arrival order: a packet behind a frame already shown would be late anyway. Either way a frame
    /// number is presented at most once.
    /// </summary>
    public int ReorderWindow { get; init; } = EvcsOrderedReader.DefaultWindow;

    /// <summary>
    /// Benchmarks only: replaces the decoder's networks; given a packet it entropy-decodes what it needs and returns the
    /// padded planar reconstruction (3 × coded height × coded width floats).
    /// </summary>
    public Func<EvcsPacket, float[]>? NetworkStub { get; init; }
}

/// <summary>How a playback run ended.</summary>
public sealed record PlaybackResult(long Decoded, long Presented, long Late, long Undecodable, Exception? Error)
{
    /// <summary>Packets dropped because their frame number had already been decoded (duplicated packets).</summary>
    public long Duplicates { get; init; }

    /// <summary>Packets dropped because a later frame had already gone to the decoder (misplaced beyond the window).</summary>
    public long OutOfOrder { get; init; }
}

/// <summary>
/// Demux → decode (entropy decoding interleaved with the networks, as the dual spatial prior requires: pass 1's
/// distributions come from the network run on pass 0's symbols) → conversion → presentation, on bounded channels.
/// Damaged or undecodable packets are skipped and counted; packets are decoded in frame order, each frame number once
/// (<see cref="EvcsOrderedReader"/>); when pacing, a frame more than one frame interval late is skipped (counted as
/// late) so playback catches up instead of drifting.
/// </summary>
public static class PlaybackPipeline
{
    /// <summary>Stage names, in order; the last is file-to-presentation latency.</summary>
    public static readonly string[] StageNames = ["demux", "decode", "convert", "present", "file→screen"];

    private sealed record DecodedFrame(RawFrame Frame, long Pts, long ReadAt);

    /// <summary>Plays every packet of <paramref name="reader"/> into <paramref name="sink"/>; the caller completes the sink.</summary>
    public static async Task<PlaybackResult> RunAsync(EvcsReader reader, ImageCodec codec, IFrameSink sink, PlaybackOptions options, PipelineStats stats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stats);
        using var failure = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? error = null;
        long decoded = 0, undecodable = 0;
        void Fail(Exception e)
        {
            Interlocked.CompareExchange(ref error, e, null);
            failure.Cancel();
        }

        EvcsHeader header = reader.Header;
        StreamMode mode = header.StreamMode == EvcsStreamMode.Official ? StreamMode.Official : StreamMode.Deterministic;
        Channel<(EvcsPacket Packet, long ReadAt)> packets = Channel.CreateBounded<(EvcsPacket, long)>(new BoundedChannelOptions(options.ReadAhead) { SingleReader = true, SingleWriter = true });
        Channel<DecodedFrame> frames = Channel.CreateBounded<DecodedFrame>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        stats.AddQueue("packets", () => packets.Reader.Count);
        stats.AddQueue("frames", () => frames.Reader.Count);

        // Frame order, each frame once: a duplicated packet must not show a frame twice.
        using var ordered = new EvcsOrderedReader(reader, options.Pace ? 0 : options.ReorderWindow);
        Task demux = Task.Run(async () =>
        {
            StageStats stage = stats.Stage("demux");
            try
            {
                while (true)
                {
                    long start = Stopwatch.GetTimestamp();
                    EvcsPacket? packet = await ordered.ReadPacketAsync(failure.Token).ConfigureAwait(false);
                    if (packet is null)
                        break;
                    stage.Record(Stopwatch.GetElapsedTime(start));
                    stats.OnCaptured();
                    await packets.Writer.WriteAsync((packet.Value, Stopwatch.GetTimestamp()), failure.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (failure.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Fail(e);
            }
            finally
            {
                packets.Writer.TryComplete();
            }
        }, CancellationToken.None);

        Task decode = Task.Run(async () =>
        {
            StageStats decodeStage = stats.Stage("decode"), convertStage = stats.Stage("convert");
            // The codec's own padding rule, not the header's fields: a damaged header must not misread the planes.
            int paddedWidth = ImageCodec.PaddedSize(header.Width), paddedHeight = ImageCodec.PaddedSize(header.Height);
            try
            {
                await foreach ((EvcsPacket packet, long readAt) in packets.Reader.ReadAllAsync(failure.Token).ConfigureAwait(false))
                {
                    using (packet)
                    {
                        if ((packet.Info.Flags & EvcsPacketFlags.Damaged) != 0 || packet.Length == 0 || packet.Info.QIndex == 0)
                        {
                            Interlocked.Increment(ref undecodable);
                            stats.OnDropped();
                            continue;
                        }
                        long start = Stopwatch.GetTimestamp();
                        RawFrame frame = RawFrame.Rent(header.Width, header.Height, packet.FrameNumber, TimeSpan.FromSeconds(header.ToSeconds(packet.Pts)), readAt);
                        try
                        {
                            if (options.NetworkStub is not null)
                            {
                                float[] planar = options.NetworkStub(packet);
                                long decodedAt = Stopwatch.GetTimestamp();
                                decodeStage.Record(Stopwatch.GetElapsedTime(start, decodedAt));
                                PixelConversion.PlanarToRgb24(planar, paddedWidth, paddedHeight, frame.Rgb, header.Width, header.Height);
                                convertStage.Record(Stopwatch.GetElapsedTime(decodedAt));
                            }
                            else
                            using (NewDisposeScope())
                            {
                                Tensor xHat = codec.DecompressPayload(packet.Payload, header.Height, header.Width, packet.Info.QIndex, mode);
                                long decodedAt = Stopwatch.GetTimestamp();
                                decodeStage.Record(Stopwatch.GetElapsedTime(start, decodedAt));
                                Tensor cpu = xHat.cpu().contiguous();
                                PixelConversion.PlanarToRgb24(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(cpu.bytes), paddedWidth, paddedHeight, frame.Rgb, header.Width, header.Height);
                                convertStage.Record(Stopwatch.GetElapsedTime(decodedAt));
                            }
                        }
                        catch (EntropyCodingException)
                        {
                            frame.Dispose();
                            Interlocked.Increment(ref undecodable);
                            stats.OnDropped();
                            continue;
                        }
                        catch
                        {
                            frame.Dispose();
                            throw;
                        }
                        Interlocked.Increment(ref decoded);
                        try
                        {
                            await frames.Writer.WriteAsync(new DecodedFrame(frame, packet.Pts, readAt), failure.Token).ConfigureAwait(false);
                        }
                        catch
                        {
                            frame.Dispose();  // cancelled while the queue was full: the pooled buffer goes back
                            throw;
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (failure.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Fail(e);
            }
            finally
            {
                frames.Writer.TryComplete();
            }
        }, CancellationToken.None);

        Task present = Task.Run(async () =>
        {
            StageStats presentStage = stats.Stage("present"), endToEnd = stats.Stage("file→screen");
            long? firstPts = null;
            long clockStart = 0;
            double interval = header.FrameRate.IsValid ? 1 / header.FrameRate.Value : 1 / 30.0;
            long pixels = (long)header.Width * header.Height;
            try
            {
                await foreach (DecodedFrame item in frames.Reader.ReadAllAsync(failure.Token).ConfigureAwait(false))
                {
                    if (options.Pace && firstPts is not null)
                    {
                        double due = header.ToSeconds(item.Pts - firstPts.Value);
                        double now = Stopwatch.GetElapsedTime(clockStart).TotalSeconds;
                        if (now > due + interval)
                        {
                            item.Frame.Dispose();  // too late: skip, as a player does
                            stats.OnLate();
                            continue;
                        }
                        if (due > now)
                        {
                            try
                            {
                                await Task.Delay(TimeSpan.FromSeconds(due - now), failure.Token).ConfigureAwait(false);
                            }
                            catch
                            {
                                item.Frame.Dispose();  // cancelled while waiting for its time: return the buffer
                                throw;
                            }
                        }
                    }
                    long start = Stopwatch.GetTimestamp();
                    await sink.WriteAsync(item.Frame, failure.Token).ConfigureAwait(false);
                    long done = Stopwatch.GetTimestamp();
                    if (firstPts is null)
                    {
                        // The clock starts once the first frame is shown: opening a window or an output file can take
                        // a while, and must not make the following frames "late".
                        firstPts = item.Pts;
                        clockStart = done;
                    }
                    presentStage.Record(Stopwatch.GetElapsedTime(start, done));
                    endToEnd.Record(Stopwatch.GetElapsedTime(item.ReadAt, done));
                    stats.OnWritten(0, pixels);
                }
            }
            catch (OperationCanceledException) when (failure.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Fail(e);
            }
            finally
            {
                while (frames.Reader.TryRead(out DecodedFrame? left))
                    left.Frame.Dispose();
            }
        }, CancellationToken.None);

        await Task.WhenAll(demux, decode, present).ConfigureAwait(false);
        while (packets.Reader.TryRead(out var left))
            left.Packet.Dispose();
        return new PlaybackResult(decoded, stats.Written, stats.Late, undecodable, error) { Duplicates = ordered.Duplicates, OutOfOrder = ordered.TooLate };
    }
}
