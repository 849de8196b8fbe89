using EVC.Stream.Container;

namespace EVC.Stream.Transport.Tests;

public class LateJoinTests
{
    [Fact]
    public async Task A_receiver_joining_anywhere_starts_at_the_first_frame_after_the_first_header_it_can_read()
    {
        (EvcsHeader header, List<TestFrame> frames) = await TestStreams.CreateAsync(count: 150, seed: 21, maxSize: 12_000);
        MuxedStream ts = TestStreams.Mux(header, frames);
        var random = new Random(21);
        for (int trial = 0; trial < 40; trial++)
        {
            // Any byte, mid-packet included, in the first 3 of the 5 seconds (a header follows every second).
            int offset = trial == 0 ? 1 : random.Next(ts.Bytes.Length * 3 / 5);
            int expectedFirst = ExpectedFirstFrame(ts, frames, offset);

            (List<TestFrame> back, EvcsTsStatistics stats, _) = TestStreams.Demux(TestStreams.Chunks(ts.Bytes[offset..], 1316));

            Assert.True(back.Count > 0, $"offset {offset}: no frame");
            Assert.Equal(frames[expectedFirst].Info.FrameNumber, back[0].Info.FrameNumber);
            Assert.Equal(frames.Count - expectedFirst, back.Count);
            for (int i = 0; i < back.Count; i++)
                TestStreams.AssertSameFrame(frames[expectedFirst + i], back[i]);
            Assert.Equal(0, stats.FramesOutOfOrder);
        }
    }

    /// <summary>
    /// The spec's rule (docs/evcs-ts.md §7): after the join point the receiver needs a PAT, then a PMT, then a header
    /// unit, each from its first whole packet; the first frame whose PES starts after that header is the first shown.
    /// </summary>
    private static int ExpectedFirstFrame(MuxedStream ts, List<TestFrame> frames, int offset)
    {
        int packet = (offset + 187) / 188;
        int stage = 0;
        for (; packet < ts.PacketCount; packet++)
        {
            ReadOnlySpan<byte> p = ts.Bytes.AsSpan(packet * 188, 188);
            int pid = ((p[1] & 0x1F) << 8) | p[2];
            bool start = (p[1] & 0x40) != 0;
            if (stage == 0 && pid == 0 && start)
                stage = 1;
            else if (stage == 1 && pid == EvcsTsConstants.PmtPid && start)
                stage = 2;
            else if (stage == 2 && pid == EvcsTsConstants.EvcPid && start && p[4 + ((p[3] & 0x20) != 0 ? 1 + p[4] : 0) + 19] == (byte)EvcsTsUnitType.StreamHeader)
                break;
        }
        int first = 0;
        while (first < frames.Count && ts.FirstPacket[first] < packet)
            first++;
        return first;
    }
}
