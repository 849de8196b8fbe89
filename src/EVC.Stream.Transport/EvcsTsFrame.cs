namespace EVC.Stream.Transport;

/// <summary>
/// A frame returned by <see cref="EvcsTsDemuxer.TryRead"/>: its <c>.evcs</c> packet fields, capture time, the stream
/// header it belongs to, and its payload in a buffer rented from <see cref="ArrayPool{T}.Shared"/>. Dispose it exactly
/// once when done with the payload.
/// </summary>
internal readonly struct EvcsTsFrame : IDisposable
{
    private readonly byte[]? _rented;

    internal EvcsTsFrame(EvcsPacketInfo info, long captureTimeMicroseconds, EvcsHeader header, byte[]? rented, int length)
    {
        Info = info;
        CaptureTimeMicroseconds = captureTimeMicroseconds;
        Header = header;
        _rented = rented;
        Length = length;
    }

    /// <summary>Frame number, timestamp, q_index, level and flags, as in the <c>.evcs</c> packet header.</summary>
    public EvcsPacketInfo Info { get; }

    /// <summary>Capture wall-clock time in microseconds since the Unix epoch, 0 when the sender did not know it.</summary>
    public long CaptureTimeMicroseconds { get; }

    /// <summary>The stream header in force when the frame arrived (a new one after a header change).</summary>
    public EvcsHeader Header { get; }

    /// <summary>Payload length in bytes.</summary>
    public int Length { get; }

    /// <summary>The payload (an EVC intra-coded frame), valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Payload => _rented is null ? ReadOnlyMemory<byte>.Empty : new ReadOnlyMemory<byte>(_rented, 0, Length);

    /// <summary>Frame number (shortcut for <c>Info.FrameNumber</c>).</summary>
    public long FrameNumber => Info.FrameNumber;

    /// <summary>Returns the payload buffer to the pool.</summary>
    public void Dispose()
    {
        if (_rented is not null)
            ArrayPool<byte>.Shared.Return(_rented);
    }
}
