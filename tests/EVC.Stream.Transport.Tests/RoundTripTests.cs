using EVC.Stream.Container;

namespace EVC.Stream.Transport.Tests;

public class RoundTripTests
{
    [Theory]
    [InlineData(188)]
    [InlineData(1316)]
    [InlineData(4096)]
    [InlineData(1)]
    public async Task Every_frame_comes_back_bit_identical_in_any_chunking(int chunk)
    {
        (EvcsHeader header, List<TestFrame> frames) = await TestStreams.CreateAsync(count: chunk == 1 ? 20 : 80, seed: 1);
        MuxedStream ts = TestStreams.Mux(header, frames);

        (List<TestFrame> back, EvcsTsStatistics stats, EvcsHeader? backHeader) = TestStreams.Demux(TestStreams.Chunks(ts.Bytes, chunk));

        Assert.NotNull(backHeader);
        Assert.Equal(header.WeightsSha256Hex, backHeader.WeightsSha256Hex);
        Assert.Equal(header.Width, backHeader.Width);
        Assert.Equal(header.Metadata, backHeader.Metadata);
        Assert.Equal(frames.Count, back.Count);
        for (int i = 0; i < frames.Count; i++)
            TestStreams.AssertSameFrame(frames[i], back[i]);
        Assert.Equal(0, stats.ContinuityErrors);
        Assert.Equal(0, stats.UnitsDropped);
        Assert.Equal(0, stats.BytesSkipped);
        Assert.Equal(1, stats.HeaderChanges);
        // The source has encoder-dropped frames; the receiver reports exactly those gaps.
        long gaps = frames[^1].Info.FrameNumber - frames[0].Info.FrameNumber + 1 - frames.Count;
        Assert.Equal(gaps, stats.FramesLost);
    }

    [Fact]
    public async Task Stream_has_the_timing_structure_of_the_spec()
    {
        (EvcsHeader header, List<TestFrame> frames) = await TestStreams.CreateAsync(count: 90, seed: 2, maxSize: 3000);
        MuxedStream ts = TestStreams.Mux(header, frames);
        var pcrTimes = new List<long>();
        int pat = 0, headerUnits = 0;
        for (int i = 0; i < ts.PacketCount; i++)
        {
            ReadOnlySpan<byte> p = ts.Bytes.AsSpan(i * 188, 188);
            Assert.Equal(0x47, p[0]);
            int pid = ((p[1] & 0x1F) << 8) | p[2];
            if (pid == 0)
                pat++;
            if ((p[3] & 0x20) != 0 && p[4] >= 7 && (p[5] & 0x10) != 0)
            {
                Assert.Equal(EvcsTsConstants.EvcPid, pid);
                long pcrBase = ((long)p[6] << 25) | ((long)p[7] << 17) | ((long)p[8] << 9) | ((long)p[9] << 1) | ((long)p[10] >> 7);
                pcrTimes.Add(pcrBase);
            }
            // A header unit: PES start on the EVC PID whose unit type byte is 1.
            if (pid == EvcsTsConstants.EvcPid && (p[1] & 0x40) != 0)
            {
                int at = 4 + ((p[3] & 0x20) != 0 ? 1 + p[4] : 0);
                Assert.Equal(new byte[] { 0, 0, 1, EvcsTsConstants.StreamId }, p.Slice(at, 4).ToArray());
                if (p[at + 14 + 5] == (byte)EvcsTsUnitType.StreamHeader)
                    headerUnits++;
            }
        }
        // 90 frames at 30 fps = 3 s: PCR on every frame (≤ 100 ms apart), PAT at least every 100 ms, a header every second.
        Assert.Equal(90, pcrTimes.Count);
        Assert.All(pcrTimes.Zip(pcrTimes.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, 1, 9000));
        Assert.InRange(pat, 30, 31);
        Assert.InRange(headerUnits, 3, 4);
    }

    [Fact]
    public async Task Low_frame_rates_get_pcr_only_packets_between_frames()
    {
        (EvcsHeader header, List<TestFrame> frames) = await TestStreams.CreateAsync(count: 5, seed: 3, maxSize: 1000, fps: 1);
        var slow = frames.Select(f => f with { Info = f.Info with { Pts = f.Info.FrameNumber * 90_000 } }).ToList();
        MuxedStream ts = TestStreams.Mux(header, slow);
        int pcrOnly = 0;
        for (int i = 0; i < ts.PacketCount; i++)
        {
            ReadOnlySpan<byte> p = ts.Bytes.AsSpan(i * 188, 188);
            if ((p[3] & 0x30) == 0x20 && (p[5] & 0x10) != 0)
                pcrOnly++;
        }
        long seconds = slow[^1].Info.FrameNumber - slow[0].Info.FrameNumber;
        Assert.True(pcrOnly >= seconds * 9, $"{pcrOnly} PCR-only packets over {seconds} s");
        (List<TestFrame> back, _, _) = TestStreams.Demux([ts.Bytes]);
        Assert.Equal(slow.Count, back.Count);
    }
}
