using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace EVC.Stream.Container.Internal;

/// <summary>The fixed 36-byte packet header (section 4 of <c>docs/evcs-format.md</c>).</summary>
internal static class PacketHeader
{
    /// <summary>Bytes covered by the packet CRC before the payload (everything up to the CRC fields).</summary>
    public const int CrcPrefix = 28;

    /// <summary>Offset of the packet CRC (header prefix + payload).</summary>
    public const int PacketCrcOffset = 28;

    /// <summary>Offset of the header CRC (bytes 0..31).</summary>
    public const int HeaderCrcOffset = 32;

    /// <summary>Writes a complete header, both CRCs included, for <paramref name="payload"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(Span<byte> header, in EvcsPacketInfo info, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, EvcsConstants.PacketSyncValue);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(4), (uint)payload.Length);
        BinaryPrimitives.WriteInt64LittleEndian(header.Slice(8), info.FrameNumber);
        BinaryPrimitives.WriteInt64LittleEndian(header.Slice(16), info.Pts);
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(24), info.QIndex);
        header[26] = info.Level;
        header[27] = (byte)info.Flags;
        uint packetCrc = ~Crc32C.Append(Crc32C.Append(uint.MaxValue, header.Slice(0, CrcPrefix)), payload);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(PacketCrcOffset), packetCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(HeaderCrcOffset), Crc32C.Compute(header.Slice(0, HeaderCrcOffset)));
    }

    /// <summary>True when the header CRC matches (the length field can be trusted).</summary>
    public static bool HeaderCrcMatches(ReadOnlySpan<byte> header) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(HeaderCrcOffset)) == Crc32C.Compute(header.Slice(0, HeaderCrcOffset));

    /// <summary>The payload length field (validated by <see cref="HeaderCrcMatches"/> first).</summary>
    public static uint PayloadLength(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(4));

    /// <summary>True when the packet CRC matches header and payload.</summary>
    public static bool PacketCrcMatches(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(PacketCrcOffset))
            == ~Crc32C.Append(Crc32C.Append(uint.MaxValue, header.Slice(0, CrcPrefix)), payload);

    /// <summary>The per-frame fields.</summary>
    public static EvcsPacketInfo ReadInfo(ReadOnlySpan<byte> header) => new(
        BinaryPrimitives.ReadInt64LittleEndian(header.Slice(8)),
        BinaryPrimitives.ReadInt64LittleEndian(header.Slice(16)),
        BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(24)),
        header[26],
        (EvcsPacketFlags)header[27]);
}

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

/// <summary>The 36-byte trailer (section 6).</summary>
internal static class TrailerCodec
{
    /// <summary>Writes the trailer, CRC included.</summary>
    public static void Write(Span<byte> destination, in EvcsTrailer trailer)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, EvcsConstants.TrailerSyncValue);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(4), 0);
        BinaryPrimitives.WriteInt64LittleEndian(destination.Slice(8), trailer.FrameCount);
        BinaryPrimitives.WriteInt64LittleEndian(destination.Slice(16), trailer.Duration);
        BinaryPrimitives.WriteInt64LittleEndian(destination.Slice(24), trailer.IndexOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(32), Crc32C.Compute(destination.Slice(0, 32)));
    }

    /// <summary>Parses a trailer whose sync and CRC match; false otherwise.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out EvcsTrailer trailer)
    {
        trailer = default;
        if (BinaryPrimitives.ReadUInt32LittleEndian(source) != EvcsConstants.TrailerSyncValue)
            return false;
        if (BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(32)) != Crc32C.Compute(source.Slice(0, 32)))
            return false;
        long count = BinaryPrimitives.ReadInt64LittleEndian(source.Slice(8));
        long duration = BinaryPrimitives.ReadInt64LittleEndian(source.Slice(16));
        long indexOffset = BinaryPrimitives.ReadInt64LittleEndian(source.Slice(24));
        if (count < 0 || indexOffset < 0)
            return false;
        trailer = new EvcsTrailer(count, duration, indexOffset);
        return true;
    }
}
