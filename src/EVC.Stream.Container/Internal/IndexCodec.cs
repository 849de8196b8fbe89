using System.Buffers.Binary;

namespace EVC.Stream.Container.Internal;

/// <summary>The index: a 12-byte header, 24-byte entries, a CRC over the entries (section 5).</summary>
internal static class IndexCodec
{
    /// <summary>Writes the index header for <paramref name="count"/> entries.</summary>
    public static void WriteHeader(Span<byte> header, int count)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, EvcsConstants.IndexSyncValue);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(4), (uint)count);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(8), Crc32C.Compute(header.Slice(0, 8)));
    }

    /// <summary>The entry count when the index header is intact and the count within limits; otherwise -1.</summary>
    public static int ReadCount(ReadOnlySpan<byte> header)
    {
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != EvcsConstants.IndexSyncValue)
            return -1;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(8)) != Crc32C.Compute(header.Slice(0, 8)))
            return -1;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(4));
        return count > EvcsConstants.MaxIndexEntries ? -1 : (int)count;
    }

    /// <summary>Total size of an index with <paramref name="count"/> entries.</summary>
    public static long Size(int count) => EvcsConstants.IndexHeaderSize + (long)count * EvcsConstants.IndexEntrySize + 4;

    /// <summary>Writes one entry.</summary>
    public static void WriteEntry(Span<byte> destination, in EvcsIndexEntry entry)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, entry.FrameNumber);
        BinaryPrimitives.WriteInt64LittleEndian(destination.Slice(8), entry.Pts);
        BinaryPrimitives.WriteInt64LittleEndian(destination.Slice(16), entry.Offset);
    }

    /// <summary>Reads one entry.</summary>
    public static EvcsIndexEntry ReadEntry(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadInt64LittleEndian(source),
        BinaryPrimitives.ReadInt64LittleEndian(source.Slice(8)),
        BinaryPrimitives.ReadInt64LittleEndian(source.Slice(16)));

    /// <summary>
    /// Parses and validates the entries (after the CRC matched): frame numbers and offsets strictly increasing, offsets
    /// between the end of the file header and <paramref name="indexOffset"/>. Null when inconsistent.
    /// </summary>
    public static EvcsIndexEntry[]? ParseEntries(ReadOnlySpan<byte> entries, int count, long headerLength, long indexOffset)
    {
        var result = new EvcsIndexEntry[count];
        for (int i = 0; i < count; i++)
        {
            EvcsIndexEntry entry = ReadEntry(entries.Slice(i * EvcsConstants.IndexEntrySize));
            if (entry.Offset < headerLength || entry.Offset > indexOffset - EvcsConstants.PacketHeaderSize || entry.FrameNumber < 0)
                return null;
            if (i > 0 && (entry.FrameNumber <= result[i - 1].FrameNumber || entry.Offset <= result[i - 1].Offset))
                return null;
            result[i] = entry;
        }
        return result;
    }
}
