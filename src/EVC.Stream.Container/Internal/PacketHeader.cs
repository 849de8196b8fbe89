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
