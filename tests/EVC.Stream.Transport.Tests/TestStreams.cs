using System.Buffers;
using EVC.Stream.Container;

namespace EVC.Stream.Transport.Tests;

/// <summary>A frame as the tests know it: the .evcs packet fields, the capture time and the payload.</summary>
internal sealed record TestFrame(EvcsPacketInfo Info, long CaptureTime, byte[] Payload);

/// <summary>A muxed stream and, for every frame, the TS packets that carry it (its own PES packets only).</summary>
internal sealed record MuxedStream(byte[] Bytes, int[] FirstPacket, int[] EndPacket)
{
    public int PacketCount => Bytes.Length / EvcsTsConstants.PacketSize;
}

/// <summary>Builds real .evcs streams with random payloads and muxes them.</summary>
internal static class TestStreams
{
    public static EvcsHeader Header(int fps = 30) => new()
    {
        Architecture = "EVC_SS",
        Width = 128,
        Height = 96,
        PadBottom = 32,
        ColorSpace = EvcsColorSpace.Bt709,
        TimeBase = new EvcsRational(1, 90_000),
        FrameRate = new EvcsRational((uint)fps, 1),
        EncoderName = "evcstream",
        EncoderVersion = "test",
        WeightsSha256 = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
        Metadata = [new("title", "ts test")],
    };

    /// <summary>
    /// Writes <paramref name="count"/> frames with random payloads (sizes from a few bytes to past one PES packet) to an
    /// .evcs stream with <see cref="EvcsWriter"/> and reads them back with <see cref="EvcsReader"/>.
    /// </summary>
    public static async Task<(EvcsHeader Header, List<TestFrame> Frames)> CreateAsync(int count, int seed, int maxSize = 90_000, int fps = 30, bool gaps = true)
    {
        var random = new Random(seed);
        EvcsHeader header = Header(fps);
        using var file = new MemoryStream();
        await using (EvcsWriter writer = await EvcsWriter.CreateAsync(file, header))
        {
            long frameNumber = 0;
            for (int i = 0; i < count; i++)
            {
                int size = i switch { 0 => 1, 1 => 0, 2 => EvcsTsConstants.MaxFragmentSize, 3 => EvcsTsConstants.MaxFragmentSize + 1, _ => random.Next(1, maxSize) };
                var payload = new byte[size];
                random.NextBytes(payload);
                frameNumber += gaps && random.Next(20) == 0 ? 2 : 1; // an occasional encoder-dropped frame
                var info = new EvcsPacketInfo(frameNumber, frameNumber * 3000, (ushort)(i % 4), 2,
                    i == count - 1 ? EvcsPacketFlags.EndOfStream : EvcsPacketFlags.None);
                await writer.WriteAsync(payload, info);
            }
            await writer.CompleteAsync();
        }
        var frames = new List<TestFrame>();
        await using EvcsReader reader = await EvcsReader.OpenAsync(new MemoryStream(file.ToArray()));
        long capture = 1_750_000_000_000_000;
        while (await reader.ReadPacketAsync() is EvcsPacket packet)
        {
            using (packet)
                frames.Add(new TestFrame(packet.Info, capture + packet.Pts * 1000 / 90, packet.Payload.ToArray()));
        }
        return (reader.Header, frames);
    }

    public static MuxedStream Mux(EvcsHeader header, IReadOnlyList<TestFrame> frames)
    {
        var muxer = new EvcsTsMuxer(header);
        var output = new ArrayBufferWriter<byte>();
        var first = new int[frames.Count];
        var end = new int[frames.Count];
        for (int i = 0; i < frames.Count; i++)
        {
            int before = output.WrittenCount;
            muxer.WriteFrame(frames[i].Payload, frames[i].Info, frames[i].CaptureTime, output);
            int after = output.WrittenCount;
            // The frame's own packets start at the random-access packet; PSI and the header come before it.
            int start = before;
            while (!IsRandomAccess(output.WrittenSpan.Slice(start, EvcsTsConstants.PacketSize)))
                start += EvcsTsConstants.PacketSize;
            first[i] = start / EvcsTsConstants.PacketSize;
            end[i] = after / EvcsTsConstants.PacketSize;
        }
        return new MuxedStream(output.WrittenSpan.ToArray(), first, end);
    }

    public static bool IsRandomAccess(ReadOnlySpan<byte> packet) =>
        (packet[3] & 0x20) != 0 && packet[4] > 0 && (packet[5] & 0x40) != 0;

    /// <summary>Demuxes <paramref name="chunks"/> in order and returns the frames (payloads copied) and the counters.</summary>
    public static (List<TestFrame> Frames, EvcsTsStatistics Statistics, EvcsHeader? Header) Demux(IEnumerable<ReadOnlyMemory<byte>> chunks)
    {
        using var demuxer = new EvcsTsDemuxer();
        var frames = new List<TestFrame>();
        foreach (ReadOnlyMemory<byte> chunk in chunks)
        {
            demuxer.Write(chunk.Span);
            Drain(demuxer, frames);
        }
        demuxer.Complete();
        Drain(demuxer, frames);
        return (frames, demuxer.Statistics, demuxer.Header);
    }

    public static IEnumerable<ReadOnlyMemory<byte>> Chunks(byte[] bytes, int size)
    {
        for (int i = 0; i < bytes.Length; i += size)
            yield return bytes.AsMemory(i, Math.Min(size, bytes.Length - i));
    }

    private static void Drain(EvcsTsDemuxer demuxer, List<TestFrame> frames)
    {
        while (demuxer.TryRead(out EvcsTsFrame frame))
        {
            using (frame)
                frames.Add(new TestFrame(frame.Info, frame.CaptureTimeMicroseconds, frame.Payload.ToArray()));
        }
    }

    public static void AssertSameFrame(TestFrame expected, TestFrame actual)
    {
        Assert.Equal(expected.Info, actual.Info);
        Assert.Equal(expected.CaptureTime, actual.CaptureTime);
        Assert.True(expected.Payload.AsSpan().SequenceEqual(actual.Payload), $"frame {expected.Info.FrameNumber}: payload differs");
    }
}
