using EVC.Stream.Container;

namespace EVC.Stream.Transport.Tests;

/// <summary>
/// A seeded relay that drops and reorders TS packets or 1316-byte datagrams (the kernel here has no netem). Every
/// frame none of whose packets was dropped or moved must arrive bit-identical; the others may be lost, and are counted.
/// </summary>
public class LossTests
{
    [Theory(Timeout = 120_000)]
    [InlineData(1, 0.01, 101)]
    [InlineData(1, 0.05, 102)]
    [InlineData(7, 0.01, 103)]
    [InlineData(7, 0.05, 104)]
    public async Task Loss_and_reordering_cost_only_the_frames_they_touch(int packetsPerUnit, double lossRate, int seed)
    {
        await Task.Yield();
        (EvcsHeader header, List<TestFrame> frames) = await TestStreams.CreateAsync(count: 400, seed: seed, maxSize: 6_000, gaps: false);
        MuxedStream ts = TestStreams.Mux(header, frames);
        int unitSize = packetsPerUnit * EvcsTsConstants.PacketSize;
        int units = (ts.Bytes.Length + unitSize - 1) / unitSize;
        // Units up to the first frame's end arrive intact: this test is about loss, LateJoinTests about joining.
        int protectedUnits = (ts.EndPacket[0] + packetsPerUnit - 1) / packetsPerUnit;

        var random = new Random(seed);
        var delivered = new List<ReadOnlyMemory<byte>>(units);
        var touched = new bool[units];
        int dropped = 0, reordered = 0;
        for (int u = 0; u < units; u++)
        {
            ReadOnlyMemory<byte> unit = ts.Bytes.AsMemory(u * unitSize, Math.Min(unitSize, ts.Bytes.Length - u * unitSize));
            if (u < protectedUnits)
            {
                delivered.Add(unit);
                continue;
            }
            double draw = random.NextDouble();
            if (draw < lossRate)
            {
                touched[u] = true;
                dropped++;
            }
            else if (draw < lossRate + 0.01 && u + 1 < units)
            {
                // Swap with the next unit: both arrive, out of order.
                ReadOnlyMemory<byte> next = ts.Bytes.AsMemory((u + 1) * unitSize, Math.Min(unitSize, ts.Bytes.Length - (u + 1) * unitSize));
                delivered.Add(next);
                delivered.Add(unit);
                touched[u] = touched[u + 1] = true;
                reordered += 2;
                u++;
            }
            else
            {
                delivered.Add(unit);
            }
        }

        (List<TestFrame> back, EvcsTsStatistics stats, _) = TestStreams.Demux(delivered);

        var byNumber = frames.ToDictionary(f => f.Info.FrameNumber);
        var received = new HashSet<long>();
        foreach (TestFrame frame in back)
        {
            Assert.True(received.Add(frame.Info.FrameNumber), $"frame {frame.Info.FrameNumber} twice");
            TestStreams.AssertSameFrame(byNumber[frame.Info.FrameNumber], frame);
        }
        int touchedFrames = 0, lost = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            bool hit = false;
            for (int p = ts.FirstPacket[i]; p < ts.EndPacket[i] && !hit; p++)
                hit = touched[p / packetsPerUnit];
            touchedFrames += hit ? 1 : 0;
            if (!received.Contains(frames[i].Info.FrameNumber))
            {
                lost++;
                Assert.True(hit, $"frame {frames[i].Info.FrameNumber} lost though none of its packets was dropped or moved");
            }
        }
        Assert.True(lost <= touchedFrames);
        Assert.True(lossRate < 0.02 || lost > 0, "the relay dropped nothing: the test would prove nothing");
        // Gaps between received frames are the lost frames, except any after the last frame received.
        Assert.InRange(stats.FramesLost, lost - (frames[^1].Info.FrameNumber - back[^1].Info.FrameNumber), lost);
        Assert.Equal(0, stats.FramesOutOfOrder);
        Assert.Equal(frames.Count - lost, stats.FramesReceived);
        TestContext(packetsPerUnit, lossRate, units, dropped, reordered, touchedFrames, lost, stats);
    }

    /// <summary>Prints the figures for the record (docs/evcs-ts.md quotes them); xunit shows them with --logger "console;verbosity=detailed".</summary>
    private static void TestContext(int packetsPerUnit, double lossRate, int units, int dropped, int reordered, int touchedFrames, int lost, EvcsTsStatistics stats) =>
        Console.WriteLine($"LOSS unit={packetsPerUnit * 188}B rate={lossRate:P0} units={units} dropped={dropped} reordered={reordered} " +
            $"frames_touched={touchedFrames} frames_lost={lost} counted_lost={stats.FramesLost} cc_errors={stats.ContinuityErrors} units_dropped={stats.UnitsDropped}");
}
