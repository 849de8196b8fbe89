using System.Buffers;

namespace EVC.Stream.Container.Tests;

/// <summary>Length fields beyond the limits are rejected before anything is allocated for them.</summary>
public class OversizeTests
{
    [Theory]
    [InlineData(uint.MaxValue, true, EvcsDamageReason.PayloadTooLarge)]
    [InlineData((uint)EvcsConstants.MaxPayloadLength + 1, true, EvcsDamageReason.PayloadTooLarge)]
    [InlineData(uint.MaxValue, false, EvcsDamageReason.PacketHeaderCrcMismatch)]
    [InlineData((uint)EvcsConstants.MaxPayloadLength, true, EvcsDamageReason.Truncated)] // allowed size, but the file is shorter
    public async Task Oversize_or_untrusted_length_fields_are_skipped_without_allocating(uint length, bool validCrc, EvcsDamageReason reason)
    {
        BuiltStream built = await TestStreams.BuildAsync(2, seed: 8);
        int at = (int)built.Offsets[1];
        byte[] forged = TestStreams.ForgedPacketHeader(length, validCrc);
        byte[] bytes = [.. built.Bytes.AsSpan(0, at), .. forged, .. built.Bytes.AsSpan(at)];

        await using EvcsReader reader = await TestStreams.OpenAsync(bytes, options: new EvcsReaderOptions { UseStoredIndex = false });
        using (EvcsPacket? first = await reader.ReadPacketAsync()) { }
        ArrayPool<byte>.Shared.Return(ArrayPool<byte>.Shared.Rent(built.Payloads[1].Length)); // warm the pool's bucket
        long before = GC.GetAllocatedBytesForCurrentThread();
        EvcsPacket? second = await reader.ReadPacketAsync();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.NotNull(second);
        second.Value.Dispose();
        Assert.Equal(2, second.Value.FrameNumber);
        Assert.True(allocated < 16 * 1024, $"{allocated} bytes allocated while skipping a {length}-byte length field");
        Assert.Equal(new EvcsDamage(at, forged.Length, reason), Assert.Single(reader.Damage));
    }

    [Fact]
    public async Task An_impossible_file_header_length_is_rejected_before_reading_it()
    {
        BuiltStream built = await TestStreams.BuildAsync(1);
        byte[] bytes = (byte[])built.Bytes.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), uint.MaxValue);
        // Warm up: the reader's pooled window and the exception path, so the measurement sees only the rejection.
        await using (await TestStreams.OpenAsync(built.Bytes)) { }
        await Assert.ThrowsAsync<EvcsFormatException>(async () => await TestStreams.OpenAsync(bytes));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = await Assert.ThrowsAsync<EvcsFormatException>(async () => await TestStreams.OpenAsync(bytes));
        Assert.Contains("header length", e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
    }

    [Fact]
    public async Task Payloads_above_the_limit_cannot_be_written()
    {
        await using EvcsWriter writer = await EvcsWriter.CreateAsync(new DiscardStream(), TestStreams.Header());
        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteAsync(new byte[EvcsConstants.MaxPayloadLength + 1], new EvcsPacketInfo(0, 0, 0, 0)));
    }
}
