using System.Buffers.Binary;
using EVC.Stream.Container.Internal;

namespace EVC.Stream.Transport.Internal;

/// <summary>
/// The 48-byte header that starts every PES payload (section 4 of <c>docs/evcs-ts.md</c>). Little-endian like
/// <c>.evcs</c>; its CRC-32C covers the header and the fragment, because TS itself checks nothing.
/// </summary>
internal struct UnitHeader
{
    public EvcsTsUnitType Type;
    public int FragmentIndex;
    public int FragmentCount;
    public int TotalLength;
    public long FrameNumber;
    public long Pts;
    public long CaptureTimeMicroseconds;
    public ushort QIndex;
    public byte Level;
    public byte Flags;

    /// <summary>Writes the header for <paramref name="fragment"/>, CRC included.</summary>
    public readonly void Write(Span<byte> destination, ReadOnlySpan<byte> fragment)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, EvcsTsConstants.FormatIdentifier);
        destination[4] = EvcsTsConstants.CarriageVersion;
        destination[5] = (byte)Type;
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(6), (ushort)FragmentIndex);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(8), (ushort)FragmentCount);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(10), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(12), (uint)TotalLength);
        BinaryPrimitives.WriteInt64LittleEndian(destination.Slice(16), FrameNumber);
        BinaryPrimitives.WriteInt64LittleEndian(destination.Slice(24), Pts);
        BinaryPrimitives.WriteInt64LittleEndian(destination.Slice(32), CaptureTimeMicroseconds);
        BinaryPrimitives.WriteUInt16LittleEndian(destination.Slice(40), QIndex);
        destination[42] = Level;
        destination[43] = Flags;
        uint crc = ~Crc32C.Append(Crc32C.Append(uint.MaxValue, destination.Slice(0, 44)), fragment);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(44), crc);
    }

    /// <summary>Parses and checks a unit (header and fragment); false when it is not an intact unit of this version.</summary>
    public static bool TryRead(ReadOnlySpan<byte> unit, out UnitHeader header)
    {
        header = default;
        if (unit.Length < EvcsTsConstants.UnitHeaderSize
            || BinaryPrimitives.ReadUInt32BigEndian(unit) != EvcsTsConstants.FormatIdentifier
            || unit[4] != EvcsTsConstants.CarriageVersion)
            return false;
        uint crc = ~Crc32C.Append(Crc32C.Append(uint.MaxValue, unit.Slice(0, 44)), unit.Slice(EvcsTsConstants.UnitHeaderSize));
        if (crc != BinaryPrimitives.ReadUInt32LittleEndian(unit.Slice(44)))
            return false;
        header.Type = (EvcsTsUnitType)unit[5];
        header.FragmentIndex = BinaryPrimitives.ReadUInt16LittleEndian(unit.Slice(6));
        header.FragmentCount = BinaryPrimitives.ReadUInt16LittleEndian(unit.Slice(8));
        uint total = BinaryPrimitives.ReadUInt32LittleEndian(unit.Slice(12));
        header.FrameNumber = BinaryPrimitives.ReadInt64LittleEndian(unit.Slice(16));
        header.Pts = BinaryPrimitives.ReadInt64LittleEndian(unit.Slice(24));
        header.CaptureTimeMicroseconds = BinaryPrimitives.ReadInt64LittleEndian(unit.Slice(32));
        header.QIndex = BinaryPrimitives.ReadUInt16LittleEndian(unit.Slice(40));
        header.Level = unit[42];
        header.Flags = unit[43];
        // A CRC-valid unit can still be nonsense from a buggy sender: never trust a length beyond the format's limits.
        int limit = header.Type == EvcsTsUnitType.StreamHeader ? EvcsConstants.MaxFileHeaderLength : EvcsConstants.MaxPayloadLength;
        if (total > (uint)limit || header.FragmentCount == 0 || header.FragmentIndex >= header.FragmentCount
            || header.FrameNumber < 0 || header.Type is not (EvcsTsUnitType.StreamHeader or EvcsTsUnitType.Frame))
            return false;
        header.TotalLength = (int)total;
        return true;
    }
}
