using System.Buffers;

namespace EVC.Stream.Container;

/// <summary>
/// A packet returned by <see cref="EvcsReader.ReadPacketAsync"/>: its header fields, where it starts, and its payload
/// in a buffer rented from <see cref="ArrayPool{T}.Shared"/>. Dispose it exactly once (not a copy of it as well) when
/// done with the payload; the payload must not be used afterwards.
/// </summary>
public readonly struct EvcsPacket : IDisposable
{
    private readonly byte[]? _rented;

    internal EvcsPacket(EvcsPacketInfo info, long position, byte[]? rented, int length)
    {
        Info = info;
        Position = position;
        _rented = rented;
        Length = length;
    }

    /// <summary>Frame number, timestamp, q_index, level and flags.</summary>
    public EvcsPacketInfo Info { get; }

    /// <summary>Byte offset of the packet's sync marker from the start of the stream.</summary>
    public long Position { get; }

    /// <summary>Payload length in bytes.</summary>
    public int Length { get; }

    /// <summary>The payload (an EVC intra-coded frame), valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Payload => _rented is null ? ReadOnlyMemory<byte>.Empty : new ReadOnlyMemory<byte>(_rented, 0, Length);

    /// <summary>Frame number (shortcut for <c>Info.FrameNumber</c>).</summary>
    public long FrameNumber => Info.FrameNumber;

    /// <summary>Presentation timestamp (shortcut for <c>Info.Pts</c>).</summary>
    public long Pts => Info.Pts;

    /// <summary>Returns the payload buffer to the pool.</summary>
    public void Dispose()
    {
        if (_rented is not null)
            ArrayPool<byte>.Shared.Return(_rented);
    }
}
