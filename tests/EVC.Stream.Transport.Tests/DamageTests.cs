using EVC.Stream.Container;

namespace EVC.Stream.Transport.Tests;

/// <summary>Garbage, bit errors, flagged and cut packets: never an exception or a corrupt frame, and the stream goes on.</summary>
public class DamageTests
{
    [Fact]
    public void Pure_garbage_yields_nothing_and_is_consumed()
    {
        var random = new Random(31);
        var garbage = new byte[1 << 20];
        random.NextBytes(garbage);
        for (int i = 0; i < garbage.Length; i += 997)
            garbage[i] = 0x47; // plenty of false sync candidates

        (List<TestFrame> back, EvcsTsStatistics stats, EvcsHeader? header) = TestStreams.Demux(TestStreams.Chunks(garbage, 1000));

        Assert.Empty(back);
        Assert.Null(header);
        Assert.True(stats.BytesSkipped + stats.Packets * 188 >= garbage.Length - 2 * 188);
    }

    [Fact]
    public async Task Inserted_garbage_loses_sync_briefly_and_only_the_frames_it_hits()
    {
        (EvcsHeader header, List<TestFrame> frames) = await TestStreams.CreateAsync(count: 200, seed: 32, maxSize: 5_000, gaps: false);
        MuxedStream ts = TestStreams.Mux(header, frames);
        var random = new Random(32);
        var stream = new MemoryStream();
        var hitPackets = new HashSet<int>();
        for (int p = 0; p < ts.PacketCount; p++)
        {
            if (p > ts.EndPacket[0] && random.Next(100) == 0)
            {
                var junk = new byte[random.Next(1, 600)];
                random.NextBytes(junk);
                stream.Write(junk);
                hitPackets.Add(p);
                hitPackets.Add(p - 1);
            }
            stream.Write(ts.Bytes, p * 188, 188);
        }

        (List<TestFrame> back, EvcsTsStatistics stats, _) = TestStreams.Demux(TestStreams.Chunks(stream.ToArray(), 1316));

        Assert.True(stats.SyncLosses > 0);
        var byNumber = frames.ToDictionary(f => f.Info.FrameNumber);
        foreach (TestFrame frame in back)
            TestStreams.AssertSameFrame(byNumber[frame.Info.FrameNumber], frame);
        // A frame whose packets all have clean neighbours arrives. (Resync needs three aligned sync bytes, so the
        // packets right after junk can be skipped: the next frame of a hit one may be lost too.)
        var received = back.Select(f => f.Info.FrameNumber).ToHashSet();
        for (int i = 1; i < frames.Count; i++)
        {
            bool near = false;
            for (int p = ts.FirstPacket[i - 1]; p < ts.EndPacket[i] + 2 && !near; p++)
                near = hitPackets.Contains(p);
            if (!near)
                Assert.Contains(frames[i].Info.FrameNumber, received);
        }
    }

    [Fact]
    public async Task Bit_errors_and_flagged_packets_drop_their_frame_never_pass_it_on_corrupt()
    {
        (EvcsHeader header, List<TestFrame> frames) = await TestStreams.CreateAsync(count: 200, seed: 33, maxSize: 5_000, gaps: false);
        MuxedStream ts = TestStreams.Mux(header, frames);
        byte[] bytes = ts.Bytes.ToArray();
        var random = new Random(33);
        var damaged = new HashSet<long>();
        for (int i = 1; i < frames.Count; i += 3)
        {
            int packet = random.Next(ts.FirstPacket[i], ts.EndPacket[i]);
            if (i % 2 == 0)
                bytes[packet * 188 + 1] |= 0x80; // transport_error_indicator, as a demodulator marks an uncorrectable packet
            else
                bytes[packet * 188 + 4 + random.Next(184)] ^= (byte)(1 << random.Next(8)); // a silent bit flip
            damaged.Add(frames[i].Info.FrameNumber);
        }

        (List<TestFrame> back, EvcsTsStatistics stats, _) = TestStreams.Demux(TestStreams.Chunks(bytes, 188));

        var byNumber = frames.ToDictionary(f => f.Info.FrameNumber);
        foreach (TestFrame frame in back)
            TestStreams.AssertSameFrame(byNumber[frame.Info.FrameNumber], frame);
        var received = back.Select(f => f.Info.FrameNumber).ToHashSet();
        // A flip in adaptation stuffing damages nothing; every other hit frame is gone, every clean one is there.
        Assert.InRange(damaged.Count(received.Contains), 0, damaged.Count / 4);
        Assert.All(frames.Where(f => !damaged.Contains(f.Info.FrameNumber)), f => Assert.Contains(f.Info.FrameNumber, received));
        Assert.True(stats.TransportErrors > 0);
        Assert.True(stats.UnitsDropped > 0);
    }

    [Fact]
    public async Task A_stream_cut_anywhere_yields_every_frame_before_the_cut()
    {
        (EvcsHeader header, List<TestFrame> frames) = await TestStreams.CreateAsync(count: 30, seed: 34, maxSize: 3_000, gaps: false);
        MuxedStream ts = TestStreams.Mux(header, frames);
        var random = new Random(34);
        for (int trial = 0; trial < 50; trial++)
        {
            int cut = random.Next(ts.Bytes.Length);
            (List<TestFrame> back, _, _) = TestStreams.Demux(TestStreams.Chunks(ts.Bytes[..cut], 500));
            int complete = Enumerable.Range(0, frames.Count).Count(i => ts.EndPacket[i] * 188 <= cut);
            Assert.Equal(complete, back.Count);
        }
    }
}
