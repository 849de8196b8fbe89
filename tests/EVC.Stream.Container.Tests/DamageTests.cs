namespace EVC.Stream.Container.Tests;

/// <summary>Cut, flipped, inserted and deleted bytes: no exception escapes, nothing hangs, every intact packet comes back.</summary>
public class DamageTests
{
    [Fact]
    public async Task A_file_cut_at_any_byte_reads_exactly_the_packets_before_the_cut()
    {
        BuiltStream built = await TestStreams.BuildAsync(20, seed: 2, maxPayload: 120);
        var boundaries = new HashSet<long> { built.HeaderLength, built.Bytes.Length };
        for (int k = 0; k < 20; k++)
            boundaries.Add(built.End(k));
        boundaries.Add(built.Bytes.Length - EvcsConstants.TrailerSize); // index complete, trailer missing

        for (int cut = 0; cut <= built.Bytes.Length; cut++)
        {
            byte[] bytes = built.Bytes.AsSpan(0, cut).ToArray();
            bool seekable = cut % 2 == 0;
            if (cut < built.HeaderLength)
            {
                await Assert.ThrowsAsync<EvcsFormatException>(async () => await TestStreams.OpenAsync(bytes, seekable, maxChunk: 1 + cut % 13));
                continue;
            }
            await using EvcsReader reader = await TestStreams.OpenAsync(bytes, seekable, maxChunk: 1 + cut % 13);
            var packets = await TestStreams.ReadAllAsync(reader);
            int complete = Enumerable.Range(0, 20).Count(k => built.End(k) <= cut);
            Assert.Equal(complete, packets.Count);
            for (int k = 0; k < complete; k++)
                Assert.Equal(built.Payloads[k], packets[k].Payload);
            if (boundaries.Contains(cut))
            {
                Assert.Empty(reader.Damage);
            }
            else
            {
                EvcsDamage damage = Assert.Single(reader.Damage);
                Assert.Equal(EvcsDamageReason.Truncated, damage.Reason);
                Assert.Equal(cut, damage.Position + damage.Length);
            }
        }
    }

    [Fact]
    public async Task A_writer_abandoned_without_completing_leaves_every_written_packet_readable()
    {
        string path = Path.Combine(Path.GetTempPath(), $"evcs-abandoned-{Guid.NewGuid():N}.evcs");
        try
        {
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
            EvcsWriter writer = await EvcsWriter.CreateAsync(file, TestStreams.Header(), new EvcsWriterOptions { FsyncEveryPackets = 4 });
            for (int k = 0; k < 10; k++)
                await writer.WriteAsync(new byte[1000 + k], new EvcsPacketInfo(k, k, 0, 0));
            // No Complete, no Dispose: as if killed. Every packet was flushed to the OS.
            await using (EvcsReader reader = await EvcsReader.OpenAsync(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
            {
                var packets = await TestStreams.ReadAllAsync(reader);
                Assert.Equal(10, packets.Count);
                Assert.Equal(1009, packets[9].Payload.Length);
                Assert.Null(reader.Trailer);
                Assert.Empty(reader.Damage);
            }
            await file.DisposeAsync();
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Kinds of mutation the fuzz test applies.</summary>
    private enum Mutation { Flip, Insert, Delete }

    [Fact]
    public async Task Random_flips_insertions_and_deletions_lose_only_the_packets_they_touch()
    {
        BuiltStream built = await TestStreams.BuildAsync(20, seed: 3, maxPayload: 200);
        var random = new Random(11);
        int damagedCases = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            int mutations = trial % 3 + 1;
            var touched = new HashSet<int>();
            var bytes = new List<byte>(built.Bytes);
            // Positions are in the original file's coordinates; apply from the back so earlier ones stay valid.
            var edits = new List<(int Position, Mutation Kind, byte Value)>();
            for (int m = 0; m < mutations; m++)
                edits.Add((random.Next(built.HeaderLength, built.Bytes.Length), (Mutation)random.Next(3), (byte)random.Next(1, 256)));
            foreach ((int position, Mutation kind, byte value) in edits.OrderByDescending(e => e.Position))
            {
                switch (kind)
                {
                    case Mutation.Flip:
                        bytes[position] ^= (byte)(1 << (value % 8));
                        touched.Add(built.PacketAt(position));
                        break;
                    case Mutation.Insert:
                        bytes.Insert(position, value);
                        // Inserting just before a packet's sync leaves that packet intact.
                        int k = built.PacketAt(position);
                        if (k >= 0 && built.Offsets[k] != position)
                            touched.Add(k);
                        break;
                    default:
                        bytes.RemoveAt(position);
                        touched.Add(built.PacketAt(position));
                        break;
                }
            }
            touched.Remove(-1);

            bool seekable = trial % 2 == 0;
            await using EvcsReader reader = await TestStreams.OpenAsync([.. bytes], seekable, maxChunk: 1 + trial % 50);
            var packets = await TestStreams.ReadAllAsync(reader, limit: 20);
            var recovered = new Dictionary<long, byte[]>();
            foreach (var packet in packets)
            {
                int k = (int)(packet.Info.FrameNumber / 2);
                Assert.Equal(built.Infos[k], packet.Info);
                Assert.Equal(built.Payloads[k], packet.Payload); // nothing damaged is ever returned
                recovered[packet.Info.FrameNumber] = packet.Payload;
            }
            for (int k = 0; k < 20; k++)
            {
                if (!touched.Contains(k))
                    Assert.True(recovered.ContainsKey(2 * k), $"trial {trial}: intact packet {k} was not recovered");
            }
            if (touched.Count > 0)
            {
                Assert.NotEmpty(reader.Damage);
                damagedCases++;
            }
            if (mutations == 1 && touched.Count == 1)
                Assert.Single(reader.Damage);
            foreach (EvcsDamage damage in reader.Damage)
                Assert.InRange(damage.Position, built.HeaderLength, bytes.Count);
        }
        Assert.True(damagedCases > 2000);
    }

    [Fact]
    public async Task Garbage_between_packets_is_reported_with_its_position_and_skipped()
    {
        BuiltStream built = await TestStreams.BuildAsync(3, seed: 4);
        byte[] garbage = [0x8B, 0x50, 0x4B, 0x54, 1, 2, 3, 0x8B, 0x00, 9, 9];
        int at = (int)built.Offsets[1];
        byte[] bytes = [.. built.Bytes.AsSpan(0, at), .. garbage, .. built.Bytes.AsSpan(at)];
        await using EvcsReader reader = await TestStreams.OpenAsync(bytes, options: new EvcsReaderOptions { UseStoredIndex = false });
        var packets = await TestStreams.ReadAllAsync(reader);
        Assert.Equal(3, packets.Count);
        Assert.Equal(at + garbage.Length, packets[1].Position);
        Assert.Equal(new EvcsDamage(at, garbage.Length, EvcsDamageReason.PacketHeaderCrcMismatch), Assert.Single(reader.Damage));
    }

    [Fact]
    public async Task A_damaged_payload_is_reported_as_a_crc_mismatch_at_its_packet()
    {
        BuiltStream built = await TestStreams.BuildAsync(5, seed: 6);
        byte[] bytes = (byte[])built.Bytes.Clone();
        bytes[built.Offsets[2] + EvcsConstants.PacketHeaderSize + 3] ^= 0x40;
        await using EvcsReader reader = await TestStreams.OpenAsync(bytes);
        var packets = await TestStreams.ReadAllAsync(reader);
        Assert.Equal([0L, 2, 6, 8], packets.Select(p => p.Info.FrameNumber));
        Assert.Equal(new EvcsDamage(built.Offsets[2], built.Offsets[3] - built.Offsets[2], EvcsDamageReason.PacketCrcMismatch), Assert.Single(reader.Damage));
    }
}
