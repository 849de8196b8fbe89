namespace EVC.Stream.Container.Tests;

public class RoundTripTests
{
    [Fact]
    public async Task Header_fields_packets_index_and_trailer_round_trip()
    {
        BuiltStream built = await TestStreams.BuildAsync(20);
        await using EvcsReader reader = await TestStreams.OpenAsync(built.Bytes);

        EvcsHeader expected = TestStreams.Header(), header = reader.Header;
        Assert.Equal(EvcsConstants.VersionMajor, header.VersionMajor);
        Assert.Equal(EvcsConstants.VersionMinor, header.VersionMinor);
        Assert.Equal(expected.Architecture, header.Architecture);
        Assert.Equal(expected.StreamMode, header.StreamMode);
        Assert.Equal(expected.WeightsSha256.ToArray(), header.WeightsSha256.ToArray());
        Assert.Equal((expected.Width, expected.Height, expected.PadRight, expected.PadBottom), (header.Width, header.Height, header.PadRight, header.PadBottom));
        Assert.Equal((expected.ColorSpace, expected.ColorRange), (header.ColorSpace, header.ColorRange));
        Assert.Equal((expected.TimeBase, expected.FrameRate), (header.TimeBase, header.FrameRate));
        Assert.Equal((expected.EncoderName, expected.EncoderVersion), (header.EncoderName, header.EncoderVersion));
        Assert.Equal(expected.Metadata, header.Metadata);
        Assert.Equal(1920, header.CodedWidth);
        Assert.Equal(1088, header.CodedHeight);
        Assert.Equal(3003, header.FrameDuration);
        Assert.Equal(built.HeaderLength, reader.HeaderLength);

        Assert.Equal(EvcsIndexSource.Stored, reader.IndexSource);
        Assert.Equal(new EvcsTrailer(20, 19 * 3003 + 3003, built.IndexOffset), reader.Trailer);

        var packets = await TestStreams.ReadAllAsync(reader);
        Assert.Equal(20, packets.Count);
        for (int k = 0; k < 20; k++)
        {
            Assert.Equal(built.Infos[k], packets[k].Info);
            Assert.Equal(built.Offsets[k], packets[k].Position);
            Assert.Equal(built.Payloads[k], packets[k].Payload);
        }
        Assert.Empty(reader.Damage);
        Assert.Equal(built.Bytes.Length, reader.Position);
    }

    [Fact]
    public async Task Writer_rejects_bad_input_with_typed_exceptions()
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await EvcsWriter.CreateAsync(new MemoryStream(), new EvcsHeader { Width = 0, Height = 10 }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await EvcsWriter.CreateAsync(new MemoryStream(), new EvcsHeader { Width = 8, Height = 8, FrameRate = new(0, 1) }));
        Assert.Throws<ArgumentException>(() => new EvcsHeader { WeightsSha256 = new byte[31] });

        await using EvcsWriter writer = await EvcsWriter.CreateAsync(new MemoryStream(), TestStreams.Header());
        await writer.WriteAsync(new byte[3], new EvcsPacketInfo(5, 0, 0, 0));
        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteAsync(new byte[3], new EvcsPacketInfo(5, 1, 0, 0)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await writer.WriteAsync(new byte[3], new EvcsPacketInfo(-1, 1, 0, 0)));
        await writer.CompleteAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteAsync(new byte[3], new EvcsPacketInfo(6, 1, 0, 0)));
    }

    [Fact]
    public async Task Not_an_evcs_stream_or_a_damaged_header_throws_EvcsFormatException()
    {
        await Assert.ThrowsAsync<EvcsFormatException>(async () => await TestStreams.OpenAsync([]));
        await Assert.ThrowsAsync<EvcsFormatException>(async () => await TestStreams.OpenAsync("hello, world, this is text"u8.ToArray()));
        await Assert.ThrowsAsync<EvcsFormatException>(async () => await TestStreams.OpenAsync(new byte[4096]));

        BuiltStream built = await TestStreams.BuildAsync(2);
        byte[] future = (byte[])built.Bytes.Clone();
        future[8] = 2; // major version 2
        var e = await Assert.ThrowsAsync<EvcsFormatException>(async () => await TestStreams.OpenAsync(future));
        Assert.Contains("version 2.0", e.Message, StringComparison.Ordinal);

        for (int i = 0; i < built.HeaderLength; i++)
        {
            byte[] damaged = (byte[])built.Bytes.Clone();
            damaged[i] ^= 0x10;
            await Assert.ThrowsAsync<EvcsFormatException>(async () => await TestStreams.OpenAsync(damaged));
        }
    }

    [Fact]
    public async Task A_newer_minor_version_with_extra_header_fields_is_read()
    {
        // Minor versions may append header fields before the CRC; a 1.0 reader skips them.
        BuiltStream built = await TestStreams.BuildAsync(3);
        int h = built.HeaderLength;
        byte[] extra = [1, 2, 3, 4, 5, 6, 7];
        byte[] bytes = [.. built.Bytes.AsSpan(0, h - 4), .. extra, 0, 0, 0, 0, .. built.Bytes.AsSpan(h)];
        bytes[10] = 7; // minor version 7
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)(h + extra.Length));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(h + extra.Length - 4), Internal.Crc32C.Compute(bytes.AsSpan(0, h + extra.Length - 4)));

        await using EvcsReader reader = await TestStreams.OpenAsync(bytes, options: new EvcsReaderOptions { UseStoredIndex = false });
        Assert.Equal(7, reader.Header.VersionMinor);
        Assert.Equal("EVC_SS", reader.Header.Architecture);
        var packets = await TestStreams.ReadAllAsync(reader);
        Assert.Equal(3, packets.Count);
        Assert.Empty(reader.Damage);
    }

    [Fact]
    public async Task Empty_stream_has_a_trailer_with_zero_frames()
    {
        BuiltStream built = await TestStreams.BuildAsync(0);
        await using EvcsReader reader = await TestStreams.OpenAsync(built.Bytes);
        Assert.Null(await reader.ReadPacketAsync());
        Assert.Equal(new EvcsTrailer(0, 0, built.IndexOffset), reader.Trailer);
        Assert.Empty(reader.Damage);
    }

    [Fact]
    public async Task Synchronous_dispose_completes_the_stream()
    {
        using var memory = new MemoryStream();
        using (EvcsWriter writer = await EvcsWriter.CreateAsync(memory, TestStreams.Header(), new EvcsWriterOptions { LeaveOpen = true }))
            await writer.WriteAsync(new byte[10], new EvcsPacketInfo(0, 0, 0, 0));
        await using EvcsReader reader = await TestStreams.OpenAsync(memory.ToArray());
        Assert.Equal(1, reader.Trailer?.FrameCount);
    }
}
