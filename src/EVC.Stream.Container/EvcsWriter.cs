using EVC.Stream.Container.Internal;

namespace EVC.Stream.Container;

/// <summary>
/// Writes an <c>.evcs</c> stream: the file header at creation, one packet per frame, and index plus trailer at
/// <see cref="CompleteAsync"/> (or dispose). Append-only; every packet is handed to the OS as soon as it is written,
/// so a reader can follow the file and a writer killed at any moment leaves a file readable up to its last whole packet.
/// </summary>
/// <remarks>
/// Works over any writable <see cref="System.IO.Stream"/>: a file, a pipe (stdout), a socket, memory. Steady-state
/// writing allocates nothing but the index (24 bytes per frame, amortised; none with
/// <see cref="EvcsWriterOptions.WriteIndex"/> off). Not thread-safe: one call at a time.
/// </remarks>
public sealed class EvcsWriter : IEvcsPacketWriter, IAsyncDisposable, IDisposable
{
    private readonly EvcsWriterCore _core;

    private EvcsWriter(EvcsWriterCore core) => _core = core;

    /// <summary>The header written at the start of the stream.</summary>
    public EvcsHeader Header => _core.Header;

    /// <summary>Packets written so far.</summary>
    public long FrameCount => _core.FrameCount;

    /// <summary>Bytes written so far, from the start of the file header.</summary>
    public long Position => _core.Position;

    /// <summary>True once index and trailer are written.</summary>
    public bool IsCompleted => _core.IsCompleted;

    /// <summary>Validates <paramref name="header"/>, writes it to <paramref name="stream"/> and flushes it.</summary>
    /// <exception cref="ArgumentException">A header field is out of range (size, rational, string length, …).</exception>
    public static async ValueTask<EvcsWriter> CreateAsync(System.IO.Stream stream, EvcsHeader header, EvcsWriterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        if (!stream.CanWrite)
            throw new ArgumentException("The stream is not writable.", nameof(stream));
        byte[] bytes = FileHeaderCodec.Serialize(header);
        var core = new EvcsWriterCore(stream, header, options ?? new EvcsWriterOptions());
        await core.WriteHeaderAsync(bytes, cancellationToken).ConfigureAwait(false);
        return new EvcsWriter(core);
    }

    /// <summary>
    /// Writes one packet (header with both CRCs, then the payload) and flushes it to the OS; fsyncs when the options'
    /// cadence is due. The payload is not kept.
    /// </summary>
    /// <exception cref="ArgumentException">The payload exceeds <see cref="EvcsConstants.MaxPayloadLength"/>, or the frame number does not increase.</exception>
    /// <exception cref="InvalidOperationException">The writer is completed, or an earlier write failed.</exception>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> payload, EvcsPacketInfo info, CancellationToken cancellationToken = default) =>
        _core.WriteAsync(payload, info, cancellationToken);

    /// <summary>Writes the index (unless disabled) and the trailer and flushes; nothing can be written afterwards.</summary>
    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => _core.CompleteAsync(cancellationToken);

    /// <inheritdoc />
    ValueTask IEvcsPacketWriter.WriteAsync(ReadOnlyMemory<byte> payload, EvcsPacketInfo info, long captureTimeMicroseconds, CancellationToken cancellationToken) =>
        WriteAsync(payload, info, cancellationToken);

    /// <summary>Completes the stream unless that happened or a write failed, then closes it unless <see cref="EvcsWriterOptions.LeaveOpen"/>.</summary>
    public ValueTask DisposeAsync() => _core.DisposeAsync();

    /// <summary>Synchronous <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => _core.Dispose();
}
