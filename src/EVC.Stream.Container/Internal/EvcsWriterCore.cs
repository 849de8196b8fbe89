using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace EVC.Stream.Container.Internal;

/// <summary>
/// The writer's work: append-only framing, CRCs, flush and fsync policy, index and trailer. One packet at a time:
/// callers must not overlap calls (like <see cref="System.IO.Stream"/> itself).
/// </summary>
internal sealed class EvcsWriterCore
{
    private readonly System.IO.Stream _stream;
    private readonly EvcsWriterOptions _options;
    private readonly long _frameDuration;
    /// <summary>The 36-byte packet header under construction; reused for every packet.</summary>
    private readonly byte[] _packetHeader = new byte[EvcsConstants.PacketHeaderSize];
    /// <summary>Index entries in write order; rented, doubled when full (24 bytes of memory per frame).</summary>
    private EvcsIndexEntry[] _entries;
    private long _position;
    private long _frameCount;
    private long _lastFrame = -1;
    private long _firstPts;
    private long _lastPts;
    private int _packetsSinceFsync;
    private long _lastFsyncTimestamp;
    private bool _completed;
    private bool _faulted;

    public EvcsWriterCore(System.IO.Stream stream, EvcsHeader header, EvcsWriterOptions options)
    {
        _stream = stream;
        _options = options;
        Header = header;
        _frameDuration = header.FrameDuration;
        _entries = options.WriteIndex ? ArrayPool<EvcsIndexEntry>.Shared.Rent(1024) : [];
        _lastFsyncTimestamp = Stopwatch.GetTimestamp();
    }

    public EvcsHeader Header { get; }

    public long FrameCount => _frameCount;

    public long Position => _position;

    public bool IsCompleted => _completed;

    public async ValueTask WriteHeaderAsync(byte[] headerBytes, CancellationToken cancellationToken)
    {
        try
        {
            await _stream.WriteAsync(headerBytes, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _faulted = true;
            throw;
        }
        _position = headerBytes.Length;
    }

    /// <summary>Validates, frames and writes one packet, then hands it to the OS.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> payload, EvcsPacketInfo info, CancellationToken cancellationToken)
    {
        Validate(payload.Length, info);
        cancellationToken.ThrowIfCancellationRequested();
        PacketHeader.Write(_packetHeader, info, payload.Span);
        long offset = _position;
        try
        {
            // Header and payload go out as two writes; a crash between them leaves a cut packet, which readers skip.
            await _stream.WriteAsync(_packetHeader, cancellationToken).ConfigureAwait(false);
            if (!payload.IsEmpty)
                await _stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            _position += EvcsConstants.PacketHeaderSize + payload.Length;
            MaybeFsync();
        }
        catch
        {
            // A partial packet may be on disk; nothing more may follow it from this writer.
            _faulted = true;
            throw;
        }
        Record(info, offset);
    }

    /// <summary>Writes index and trailer and flushes; afterwards the writer accepts nothing more.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_completed)
            return;
        if (_faulted)
            ContainerThrow.WriterClosed(faulted: true);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long indexOffset = 0;
            if (_options.WriteIndex && _frameCount <= EvcsConstants.MaxIndexEntries)
            {
                indexOffset = _position;
                int count = (int)_frameCount;
                IndexCodec.WriteHeader(buffer, count);
                await _stream.WriteAsync(buffer.AsMemory(0, EvcsConstants.IndexHeaderSize), cancellationToken).ConfigureAwait(false);
                uint crc = uint.MaxValue;
                int perChunk = buffer.Length / EvcsConstants.IndexEntrySize;
                for (int start = 0; start < count; start += perChunk)
                {
                    int n = Math.Min(perChunk, count - start);
                    int bytes = FillEntries(buffer, start, n);
                    crc = Crc32C.Append(crc, buffer.AsSpan(0, bytes));
                    await _stream.WriteAsync(buffer.AsMemory(0, bytes), cancellationToken).ConfigureAwait(false);
                }
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(buffer, ~crc);
                await _stream.WriteAsync(buffer.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
                _position += IndexCodec.Size(count);
            }
            long duration = _frameCount == 0 ? 0 : _lastPts - _firstPts + _frameDuration;
            TrailerCodec.Write(buffer, new EvcsTrailer(_frameCount, duration, indexOffset));
            await _stream.WriteAsync(buffer.AsMemory(0, EvcsConstants.TrailerSize), cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            _position += EvcsConstants.TrailerSize;
            if (_options.FsyncOnComplete && _stream is FileStream file)
                file.Flush(flushToDisk: true);
        }
        catch
        {
            _faulted = true;
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        _completed = true;
        ReleaseEntries();
    }

    /// <summary>Synchronous completion for <see cref="IDisposable.Dispose"/>: the same bytes as <see cref="CompleteAsync"/>.</summary>
    public void Complete()
    {
        // Most streams complete these writes synchronously; otherwise block (every await uses ConfigureAwait(false),
        // so no synchronisation context can deadlock this).
        ValueTask pending = CompleteAsync(CancellationToken.None);
        if (pending.IsCompletedSuccessfully)
            return;
        pending.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Finishes (unless faulted) and releases the stream when the writer owns it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_completed && !_faulted)
                await CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            ReleaseEntries();
            if (!_options.LeaveOpen)
                await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_completed && !_faulted)
                Complete();
        }
        finally
        {
            ReleaseEntries();
            if (!_options.LeaveOpen)
                _stream.Dispose();
        }
    }

    private void Validate(int length, in EvcsPacketInfo info)
    {
        if (_completed || _faulted)
            ContainerThrow.WriterClosed(_faulted);
        if (length > EvcsConstants.MaxPayloadLength)
            ContainerThrow.PayloadTooLarge(length);
        if (info.FrameNumber < 0)
            ContainerThrow.NegativeFrameNumber(info.FrameNumber);
        if (info.FrameNumber <= _lastFrame)
            ContainerThrow.FrameNumberNotIncreasing(info.FrameNumber, _lastFrame);
    }

    private void Record(in EvcsPacketInfo info, long offset)
    {
        if (_frameCount == 0)
            _firstPts = info.Pts;
        _lastPts = info.Pts;
        _lastFrame = info.FrameNumber;
        if (_options.WriteIndex && _frameCount < EvcsConstants.MaxIndexEntries)
        {
            if (_frameCount == _entries.Length)
            {
                EvcsIndexEntry[] larger = ArrayPool<EvcsIndexEntry>.Shared.Rent(_entries.Length * 2);
                _entries.AsSpan().CopyTo(larger);
                ArrayPool<EvcsIndexEntry>.Shared.Return(_entries);
                _entries = larger;
            }
            _entries[_frameCount] = new EvcsIndexEntry(info.FrameNumber, info.Pts, offset);
        }
        _frameCount++;
    }

    private void MaybeFsync()
    {
        if (_stream is not FileStream file)
            return;
        _packetsSinceFsync++;
        bool due = _options.FsyncEveryPackets > 0 && _packetsSinceFsync >= _options.FsyncEveryPackets;
        if (!due && _options.FsyncInterval > TimeSpan.Zero)
            due = Stopwatch.GetElapsedTime(_lastFsyncTimestamp) >= _options.FsyncInterval;
        if (!due)
            return;
        // fsync has no asynchronous form; it blocks this caller only at the configured cadence.
        file.Flush(flushToDisk: true);
        _packetsSinceFsync = 0;
        _lastFsyncTimestamp = Stopwatch.GetTimestamp();
    }

    private int FillEntries(byte[] buffer, int start, int count)
    {
        for (int i = 0; i < count; i++)
            IndexCodec.WriteEntry(buffer.AsSpan(i * EvcsConstants.IndexEntrySize), _entries[start + i]);
        return count * EvcsConstants.IndexEntrySize;
    }

    private void ReleaseEntries()
    {
        if (_entries.Length > 0)
            ArrayPool<EvcsIndexEntry>.Shared.Return(_entries);
        _entries = [];
    }
}
