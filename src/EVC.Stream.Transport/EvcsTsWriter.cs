namespace EVC.Stream.Transport;

/// <summary>
/// Writes EVC frames as an MPEG transport stream (<see cref="EvcsTsMuxer"/>, <c>docs/evcs-ts.md</c>) to a stream —
/// a file, a pipe, or the stdin of a process that sends it on (FFmpeg to SRT/UDP/TCP). Each frame's TS packets go out
/// in one write and are flushed at once: a live receiver should not wait for a buffer to fill.
/// </summary>
public sealed class EvcsTsWriter : IEvcsPacketWriter, IAsyncDisposable
{
    private readonly System.IO.Stream _stream;
    private readonly bool _leaveOpen;
    private readonly EvcsTsMuxer _muxer;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

    /// <summary>Frames that each carry the stream header at the start of a stream.</summary>
    public const int EarlyHeaderFrames = 30;

    /// <summary>Starts a transport stream for <paramref name="header"/> on <paramref name="stream"/>.</summary>
    public EvcsTsWriter(System.IO.Stream stream, EvcsHeader header, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _muxer = new EvcsTsMuxer(header);
    }

    /// <inheritdoc />
    public EvcsHeader Header => _muxer.Header;

    /// <summary>Frames written so far.</summary>
    public long FrameCount => _muxer.FramesWritten;

    /// <inheritdoc />
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> payload, EvcsPacketInfo info, long captureTimeMicroseconds, CancellationToken cancellationToken = default)
    {
        _buffer.ResetWrittenCount();
        // Relays probe the start of a stream and may drop what they read while probing: the stream header goes with
        // each of the first frames (then every second, as the muxer does), so a receiver starts at once.
        if (_muxer.FramesWritten is > 0 and < EarlyHeaderFrames)
            _muxer.WriteStreamHeader(_buffer);
        _muxer.WriteFrame(payload.Span, info, captureTimeMicroseconds, _buffer);
        await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Flushes and closes the stream (unless left open).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stream.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            if (!_leaveOpen)
                await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
