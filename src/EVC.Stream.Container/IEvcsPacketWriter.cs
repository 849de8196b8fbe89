namespace EVC.Stream.Container;

/// <summary>
/// Where coded frames go, in frame order: an <c>.evcs</c> file (<see cref="EvcsWriter"/>) or a transport stream
/// (<c>EVC.Stream.Transport.EvcsTsWriter</c>). The capture pipeline writes through this.
/// </summary>
public interface IEvcsPacketWriter
{
    /// <summary>The stream header the packets belong to.</summary>
    EvcsHeader Header { get; }

    /// <summary>
    /// Writes one frame. <paramref name="captureTimeMicroseconds"/> is the wall-clock capture time (microseconds since
    /// the Unix epoch, 0 when unknown): transports carry it for glass-to-glass latency; files do not store it.
    /// </summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> payload, EvcsPacketInfo info, long captureTimeMicroseconds, CancellationToken cancellationToken = default);
}
