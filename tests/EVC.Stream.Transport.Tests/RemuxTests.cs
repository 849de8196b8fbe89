using EVC.Stream.Container;

namespace EVC.Stream.Transport.Tests;

public class RemuxTests
{
    [Fact]
    public async Task Evcs_to_ts_and_back_keeps_header_and_every_frame()
    {
        (EvcsHeader header, List<TestFrame> frames) = await TestStreams.CreateAsync(count: 50, seed: 51, maxSize: 150_000);
        using var evcs = new MemoryStream();
        await using (EvcsWriter writer = await EvcsWriter.CreateAsync(evcs, header))
        {
            foreach (TestFrame frame in frames)
                await writer.WriteAsync(frame.Payload, frame.Info);
            await writer.CompleteAsync();
        }

        using var ts = new MemoryStream();
        await using (EvcsReader reader = await EvcsReader.OpenAsync(new MemoryStream(evcs.ToArray())))
        {
            EvcsTsRemuxResult toTs = await EvcsTsRemux.ToTransportStreamAsync(reader, ts);
            Assert.Equal(frames.Count, toTs.FramesWritten);
        }
        Assert.Equal(0, ts.Length % EvcsTsConstants.PacketSize);

        using var back = new MemoryStream();
        EvcsTsRemuxResult toEvcs = await EvcsTsRemux.ToEvcsAsync(new MemoryStream(ts.ToArray()), back);
        Assert.Equal(frames.Count, toEvcs.FramesWritten);
        Assert.Equal(0, toEvcs.Demux.UnitsDropped);

        // Same header and packets: the round trip is byte-identical to the original file.
        Assert.Equal(evcs.ToArray(), back.ToArray());
    }

    [Fact]
    public async Task A_transport_stream_without_EVC_is_rejected_with_the_format_exception()
    {
        var random = new Random(52);
        var junk = new byte[50_000];
        random.NextBytes(junk);
        await Assert.ThrowsAsync<EvcsFormatException>(async () => await EvcsTsRemux.ToEvcsAsync(new MemoryStream(junk), new MemoryStream()));
    }
}
