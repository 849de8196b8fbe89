namespace EVC.Stream.Container.Tests;

/// <summary>Seeking gives the same results whether the index is stored, absent or damaged.</summary>
public class IndexTests
{
    public static TheoryData<string> Variants => ["stored", "absent", "damaged-entries", "damaged-header", "damaged-trailer", "truncated"];

    private static async Task<(byte[] Bytes, BuiltStream Built)> VariantAsync(string variant)
    {
        BuiltStream built = await TestStreams.BuildAsync(40, seed: 9, index: variant != "absent");
        byte[] bytes = (byte[])built.Bytes.Clone();
        switch (variant)
        {
            case "damaged-entries":
                bytes[built.IndexOffset + EvcsConstants.IndexHeaderSize + 5 * EvcsConstants.IndexEntrySize + 17] ^= 0x01;
                break;
            case "damaged-header":
                bytes[built.IndexOffset + 5] ^= 0x80;
                break;
            case "damaged-trailer":
                bytes[^10] ^= 0x04;
                break;
            case "truncated":
                bytes = bytes.AsSpan(0, (int)built.End(39)).ToArray();
                break;
        }
        return (bytes, built);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Same_index_and_seek_results_for_every_variant(string variant)
    {
        (byte[] bytes, BuiltStream built) = await VariantAsync(variant);
        await using EvcsReader reader = await TestStreams.OpenAsync(bytes);
        Assert.Equal(variant is "stored" ? EvcsIndexSource.Stored : EvcsIndexSource.None, reader.IndexSource);
        Assert.Equal(variant is "damaged-entries" or "damaged-header", reader.StoredIndexDamaged);

        IReadOnlyList<EvcsIndexEntry> index = await reader.GetIndexAsync();
        Assert.Equal(variant is "stored" ? EvcsIndexSource.Stored : EvcsIndexSource.Rebuilt, reader.IndexSource);
        Assert.Equal(Enumerable.Range(0, 40).Select(k => new EvcsIndexEntry(built.Infos[k].FrameNumber, built.Infos[k].Pts, built.Offsets[k])), index);

        // Frames are numbered 0, 2, 4, …: a seek lands on the first frame at or after the one asked for.
        foreach ((long target, long expected) in new[] { (0L, 0L), (14L, 14L), (15L, 16L), (78L, 78L), (-3L, 0L) })
        {
            Assert.True(await reader.SeekAsync(target));
            using EvcsPacket packet = (await reader.ReadPacketAsync())!.Value;
            Assert.Equal(expected, packet.FrameNumber);
            Assert.True(packet.Payload.Span.SequenceEqual(built.Payloads[(int)expected / 2]));
        }
        Assert.False(await reader.SeekAsync(79));

        // Reading on after a seek continues in order to the end.
        Assert.True(await reader.SeekAsync(70));
        var rest = await TestStreams.ReadAllAsync(reader);
        Assert.Equal([70L, 72, 74, 76, 78], rest.Select(p => p.Info.FrameNumber));
    }

    [Fact]
    public async Task Rebuilding_the_index_keeps_the_reading_position()
    {
        (byte[] bytes, _) = await VariantAsync("absent");
        await using EvcsReader reader = await TestStreams.OpenAsync(bytes);
        (await reader.ReadPacketAsync())!.Value.Dispose();
        Assert.Equal(40, (await reader.GetIndexAsync()).Count);
        using EvcsPacket next = (await reader.ReadPacketAsync())!.Value;
        Assert.Equal(2, next.FrameNumber);
    }

    [Fact]
    public async Task A_damaged_index_is_reported_when_read_sequentially()
    {
        (byte[] bytes, BuiltStream built) = await VariantAsync("damaged-entries");
        await using EvcsReader reader = await TestStreams.OpenAsync(bytes);
        Assert.Equal(40, (await TestStreams.ReadAllAsync(reader)).Count);
        Assert.Equal(new EvcsDamage(built.IndexOffset, bytes.Length - EvcsConstants.TrailerSize - built.IndexOffset, EvcsDamageReason.IndexDamaged), Assert.Single(reader.Damage));
        Assert.NotNull(reader.Trailer);
    }
}
