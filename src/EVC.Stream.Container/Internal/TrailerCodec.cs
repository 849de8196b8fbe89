using System.Buffers.Binary;

namespace EVC.Stream.Container.Internal;

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
