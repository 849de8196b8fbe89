namespace EVC.Stream.Container.Tests;

/// <summary>The real-time path allocates nothing once writer and reader are warm.</summary>
public class AllocationTests
{
    [Fact]
    public async Task Steady_state_writing_allocates_nothing()
    {
        var sink = new DiscardStream();
        byte[] payload = new byte[60_000];
        new Random(1).NextBytes(payload);
        await using EvcsWriter writer = await EvcsWriter.CreateAsync(sink, TestStreams.Header(), new EvcsWriterOptions { WriteIndex = false });
        for (int k = 0; k < 10; k++)
            await writer.WriteAsync(payload, new EvcsPacketInfo(k, k, 0, 0));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 10; k < 210; k++)
            await writer.WriteAsync(payload, new EvcsPacketInfo(k, k, 0, 0));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Steady_state_reading_allocates_nothing()
    {
        BuiltStream built = await TestStreams.BuildAsync(200, minPayload: 50_000, maxPayload: 70_000);
        await using EvcsReader reader = await TestStreams.OpenAsync(built.Bytes);
        for (int k = 0; k < 10; k++)
            (await reader.ReadPacketAsync())!.Value.Dispose();
        long before = GC.GetAllocatedBytesForCurrentThread();
        long bytes = 0;
        for (int k = 10; k < 200; k++)
        {
            using EvcsPacket packet = (await reader.ReadPacketAsync())!.Value;
            bytes += packet.Length;
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(bytes > 190 * 50_000);
    }

    [Fact]
    public async Task Steady_state_ordered_reading_allocates_nothing()
    {
        // Frame numbers with gaps: the window fills and every packet is held and taken (the slow path); one pool size.
        BuiltStream built = await TestStreams.BuildAsync(300, minPayload: 1_100, maxPayload: 2_000, frameStep: 2);
        await using EvcsReader reader = await TestStreams.OpenAsync(built.Bytes);
        using var ordered = new EvcsOrderedReader(reader);
        for (int k = 0; k < 100; k++)
            (await ordered.ReadPacketAsync())!.Value.Dispose();
        long before = GC.GetAllocatedBytesForCurrentThread();
        long last = 0;
        for (int k = 100; k < 200; k++)
        {
            using EvcsPacket packet = (await ordered.ReadPacketAsync())!.Value;
            Assert.True(packet.FrameNumber > last);
            last = packet.FrameNumber;
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(2 * 199, last);
    }
}
