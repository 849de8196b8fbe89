using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace EVC.Stream.Container.Internal;

/// <summary>
/// The reader's work: a sliding window over the stream, structure parsing, CRC checks, resynchronisation on the next
/// sync marker, damage regions, the stored index and its rebuild. One call at a time.
/// </summary>
/// <remarks>
/// Invariant: every loop iteration of <see cref="ReadAsync"/> either returns or consumes at least one byte, so damaged
/// input cannot hang the reader; a length field is used only after the CRC of the header holding it matched, and never
/// above <see cref="EvcsConstants.MaxPayloadLength"/>, so damaged input cannot make it allocate more than that.
/// </remarks>
internal sealed class EvcsReaderCore : IDisposable
{
    private const int InitialWindow = 512 * 1024;
    private const int MinRead = 64 * 1024;

    private readonly System.IO.Stream _stream;
    private readonly EvcsReaderOptions _options;
    /// <summary>Stream position of the first byte of the file header (0 for streams that cannot seek).</summary>
    private readonly long _origin;
    private readonly List<EvcsDamage> _damage = [];
    /// <summary>The window: bytes [_start, _end) of <see cref="_buffer"/> are the stream from <see cref="_windowPosition"/> on.</summary>
    private byte[] _buffer;
    private int _start;
    private int _end;
    /// <summary>Offset, from the start of the .evcs stream, of <c>_buffer[_start]</c>.</summary>
    private long _windowPosition;
    private bool _endOfStream;
    private bool _stopFollowing;
    private long _lastDataTicks = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>Following stopped because the file did not grow for <see cref="EvcsReaderOptions.IdleTimeout"/>.</summary>
    public bool FollowTimedOut { get; private set; }
    private bool _finished;
    /// <summary>Start of the damaged region being skipped, or -1.</summary>
    private long _damageStart = -1;
    private EvcsDamageReason _damageReason;
    private EvcsIndexEntry[]? _index;

    private EvcsReaderCore(System.IO.Stream stream, EvcsReaderOptions options, long origin)
    {
        _stream = stream;
        _options = options;
        _origin = origin;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialWindow);
        Header = null!;
    }

    public EvcsHeader Header { get; private set; }

    public int HeaderLength { get; private set; }

    public IReadOnlyList<EvcsDamage> Damage => _damage;

    public EvcsTrailer? Trailer { get; private set; }

    public EvcsIndexSource IndexSource { get; private set; }

    public bool StoredIndexDamaged { get; private set; }

    public long Position => _windowPosition;

    public bool CanSeek => _stream.CanSeek && !_options.Follow;

    /// <summary>Reads and checks the file header; with a seekable stream also the trailer and stored index.</summary>
    public static async ValueTask<EvcsReaderCore> OpenAsync(System.IO.Stream stream, EvcsReaderOptions options, CancellationToken cancellationToken)
    {
        var core = new EvcsReaderCore(stream, options, stream.CanSeek ? stream.Position : 0);
        try
        {
            await core.ReadFileHeaderAsync(cancellationToken).ConfigureAwait(false);
            if (core.CanSeek && options.UseStoredIndex)
                await core.LoadStoredIndexAsync(cancellationToken).ConfigureAwait(false);
            return core;
        }
        catch
        {
            core.ReturnBuffer();
            throw;
        }
    }

    private async ValueTask ReadFileHeaderAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(FileHeaderCodec.PrefixSize, cancellationToken).ConfigureAwait(false))
        {
            int available = _end - _start;
            ReadOnlySpan<byte> magic = EvcsConstants.Magic;
            if (!_buffer.AsSpan(_start, Math.Min(available, magic.Length)).SequenceEqual(magic.Slice(0, Math.Min(available, magic.Length))))
                ContainerThrow.NotEvcs();
            ContainerThrow.TruncatedHeader(available, FileHeaderCodec.PrefixSize);
        }
        int length = FileHeaderCodec.ParsePrefix(Window);
        if (!await FillAsync(length, cancellationToken).ConfigureAwait(false))
            ContainerThrow.TruncatedHeader(_end - _start, length);
        Header = FileHeaderCodec.Parse(Window.Slice(0, length));
        HeaderLength = length;
        Consume(length);
    }

    /// <summary>
    /// Reads the next intact packet, skipping and reporting damaged regions; null at the end (trailer, end of data, or
    /// for a follower the end after an end-of-stream packet). With <paramref name="copyPayload"/> false the packet
    /// carries only its fields (used by the index rebuild).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<EvcsPacket?> ReadAsync(bool copyPayload, CancellationToken cancellationToken)
    {
        while (!_finished)
        {
            if (!await FillAsync(EvcsConstants.SyncLength, cancellationToken).ConfigureAwait(false))
            {
                EndOfData();
                return null;
            }
            switch (BinaryPrimitives.ReadUInt32LittleEndian(Window))
            {
                case EvcsConstants.PacketSyncValue:
                {
                    if (!await FillAsync(EvcsConstants.PacketHeaderSize, cancellationToken).ConfigureAwait(false))
                    {
                        EndOfData();
                        return null;
                    }
                    if (!PacketHeader.HeaderCrcMatches(Window))
                    {
                        SkipDamaged(EvcsDamageReason.PacketHeaderCrcMismatch);
                        continue;
                    }
                    uint length = PacketHeader.PayloadLength(Window);
                    if (length > EvcsConstants.MaxPayloadLength)
                    {
                        SkipDamaged(EvcsDamageReason.PayloadTooLarge);
                        continue;
                    }
                    int total = EvcsConstants.PacketHeaderSize + (int)length;
                    if (_end - _start < total && (EndsBefore(total) || !await FillAsync(total, cancellationToken).ConfigureAwait(false)))
                    {
                        SkipDamaged(EvcsDamageReason.Truncated);
                        continue;
                    }
                    ReadOnlySpan<byte> packet = Window.Slice(0, total);
                    if (!PacketHeader.PacketCrcMatches(packet, packet.Slice(EvcsConstants.PacketHeaderSize)))
                    {
                        SkipDamaged(EvcsDamageReason.PacketCrcMismatch);
                        continue;
                    }
                    CloseDamage();
                    EvcsPacketInfo info = PacketHeader.ReadInfo(packet);
                    long position = _windowPosition;
                    byte[]? rented = null;
                    if (copyPayload && length > 0)
                    {
                        rented = ArrayPool<byte>.Shared.Rent((int)length);
                        packet.Slice(EvcsConstants.PacketHeaderSize).CopyTo(rented);
                    }
                    Consume(total);
                    if ((info.Flags & EvcsPacketFlags.EndOfStream) != 0)
                        _stopFollowing = true;
                    return new EvcsPacket(info, position, rented, (int)length);
                }
                case EvcsConstants.IndexSyncValue:
                    if (!await SkipIndexAsync(cancellationToken).ConfigureAwait(false))
                    {
                        EndOfData();
                        return null;
                    }
                    continue;
                case EvcsConstants.TrailerSyncValue:
                {
                    if (!await FillAsync(EvcsConstants.TrailerSize, cancellationToken).ConfigureAwait(false))
                    {
                        EndOfData();
                        return null;
                    }
                    if (!TrailerCodec.TryRead(Window, out EvcsTrailer trailer))
                    {
                        SkipDamaged(EvcsDamageReason.TrailerDamaged);
                        continue;
                    }
                    CloseDamage();
                    Consume(EvcsConstants.TrailerSize);
                    Trailer = trailer;
                    _finished = true;
                    return null;
                }
                default:
                {
                    // Not a structure: skip to the next byte that could start a sync marker.
                    MarkDamage(EvcsDamageReason.UnexpectedData);
                    int next = Window.Slice(1).IndexOf(EvcsConstants.SyncLead);
                    Consume(next < 0 ? _end - _start : next + 1);
                    continue;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Passes over an index met while reading sequentially, checking its CRCs in chunks (the window never has to hold
    /// it whole). False at the end of the data.
    /// </summary>
    private async ValueTask<bool> SkipIndexAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(EvcsConstants.IndexHeaderSize, cancellationToken).ConfigureAwait(false))
            return false;
        int count = IndexCodec.ReadCount(Window);
        if (count < 0)
        {
            SkipDamaged(EvcsDamageReason.IndexDamaged);
            return true;
        }
        // An intact index header: a real structure starts here.
        CloseDamage();
        long indexPosition = _windowPosition;
        Consume(EvcsConstants.IndexHeaderSize);
        long remaining = (long)count * EvcsConstants.IndexEntrySize;
        uint crc = uint.MaxValue;
        while (remaining > 0)
        {
            if (!await FillAsync(1, cancellationToken).ConfigureAwait(false))
            {
                MarkDamageAt(indexPosition, EvcsDamageReason.Truncated);
                return false;
            }
            int n = (int)Math.Min(remaining, _end - _start);
            crc = Crc32C.Append(crc, Window.Slice(0, n));
            Consume(n);
            remaining -= n;
        }
        if (!await FillAsync(4, cancellationToken).ConfigureAwait(false))
        {
            MarkDamageAt(indexPosition, EvcsDamageReason.Truncated);
            return false;
        }
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(Window);
        Consume(4);
        if (stored != ~crc)
            MarkDamageAt(indexPosition, EvcsDamageReason.IndexDamaged);
        return true;
    }

    /// <summary>The stored index, or one rebuilt by scanning every packet; the reading position is kept.</summary>
    public async ValueTask<EvcsIndexEntry[]> GetIndexAsync(CancellationToken cancellationToken)
    {
        if (!CanSeek)
            ContainerThrow.NotSeekable();
        if (_index is not null)
            return _index;
        long resume = _origin + _windowPosition + (_end - _start);
        var scanner = new EvcsReaderCore(_stream, _options, _origin)
        {
            Header = Header,
            HeaderLength = HeaderLength,
            _windowPosition = HeaderLength,
        };
        try
        {
            _stream.Seek(_origin + HeaderLength, SeekOrigin.Begin);
            var entries = new List<EvcsIndexEntry>();
            bool sorted = true;
            while (await scanner.ReadAsync(copyPayload: false, cancellationToken).ConfigureAwait(false) is { } packet)
            {
                if (entries.Count > 0 && packet.FrameNumber <= entries[^1].FrameNumber)
                    sorted = false;
                entries.Add(new EvcsIndexEntry(packet.FrameNumber, packet.Pts, packet.Position));
            }
            if (!sorted)
            {
                // A shuffled or spliced stream: frame order, and each frame number once (its first copy), as in a stored index.
                entries.Sort(static (a, b) => a.FrameNumber != b.FrameNumber ? a.FrameNumber.CompareTo(b.FrameNumber) : a.Offset.CompareTo(b.Offset));
                int kept = 0;
                for (int i = 0; i < entries.Count; i++)
                {
                    if (kept == 0 || entries[i].FrameNumber != entries[kept - 1].FrameNumber)
                        entries[kept++] = entries[i];
                }
                entries.RemoveRange(kept, entries.Count - kept);
            }
            _index = [.. entries];
            IndexSource = EvcsIndexSource.Rebuilt;
            Trailer ??= scanner.Trailer;
        }
        finally
        {
            scanner.ReturnBuffer();
            _stream.Seek(resume, SeekOrigin.Begin);
        }
        return _index;
    }

    /// <summary>Positions the reader at the first packet whose frame number is at least <paramref name="frameNumber"/>.</summary>
    public async ValueTask<bool> SeekAsync(long frameNumber, CancellationToken cancellationToken)
    {
        EvcsIndexEntry[] index = await GetIndexAsync(cancellationToken).ConfigureAwait(false);
        int lo = 0, hi = index.Length;
        while (lo < hi)
        {
            int mid = (int)(((uint)lo + (uint)hi) >> 1);
            if (index[mid].FrameNumber < frameNumber)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == index.Length)
            return false;
        long offset = index[lo].Offset;
        _stream.Seek(_origin + offset, SeekOrigin.Begin);
        _start = _end = 0;
        _windowPosition = offset;
        _endOfStream = false;
        _finished = false;
        _damageStart = -1;
        return true;
    }

    /// <summary>
    /// Reads the trailer at the end of a seekable stream and, when it names one, the index; a valid pair becomes the
    /// seek table. Damage found here is only noted (<see cref="StoredIndexDamaged"/>): sequential reading reports it.
    /// </summary>
    private async ValueTask LoadStoredIndexAsync(CancellationToken cancellationToken)
    {
        long resume = _stream.Position;
        long length = _stream.Length - _origin;
        if (length < HeaderLength + EvcsConstants.TrailerSize)
            return;
        byte[] small = ArrayPool<byte>.Shared.Rent(EvcsConstants.TrailerSize);
        try
        {
            long trailerOffset = length - EvcsConstants.TrailerSize;
            _stream.Seek(_origin + trailerOffset, SeekOrigin.Begin);
            await _stream.ReadExactlyAsync(small.AsMemory(0, EvcsConstants.TrailerSize), cancellationToken).ConfigureAwait(false);
            if (!TrailerCodec.TryRead(small, out EvcsTrailer trailer))
                return;
            Trailer = trailer;
            if (trailer.IndexOffset == 0)
                return;
            StoredIndexDamaged = true;
            long indexOffset = trailer.IndexOffset;
            if (indexOffset < HeaderLength || indexOffset + IndexCodec.Size(0) > trailerOffset)
                return;
            _stream.Seek(_origin + indexOffset, SeekOrigin.Begin);
            await _stream.ReadExactlyAsync(small.AsMemory(0, EvcsConstants.IndexHeaderSize), cancellationToken).ConfigureAwait(false);
            int count = IndexCodec.ReadCount(small);
            if (count < 0 || indexOffset + IndexCodec.Size(count) != trailerOffset || count != trailer.FrameCount)
                return;
            int entriesLength = count * EvcsConstants.IndexEntrySize + 4;
            byte[] entries = ArrayPool<byte>.Shared.Rent(entriesLength);
            try
            {
                await _stream.ReadExactlyAsync(entries.AsMemory(0, entriesLength), cancellationToken).ConfigureAwait(false);
                ReadOnlySpan<byte> span = entries.AsSpan(0, entriesLength - 4);
                if (BinaryPrimitives.ReadUInt32LittleEndian(entries.AsSpan(entriesLength - 4)) != Crc32C.Compute(span))
                    return;
                EvcsIndexEntry[]? index = IndexCodec.ParseEntries(span, count, HeaderLength, indexOffset);
                if (index is null)
                    return;
                _index = index;
                IndexSource = EvcsIndexSource.Stored;
                StoredIndexDamaged = false;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(entries);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(small);
            _stream.Seek(resume, SeekOrigin.Begin);
        }
    }

    public void Dispose()
    {
        ReturnBuffer();
        if (!_options.LeaveOpen)
            _stream.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        ReturnBuffer();
        if (!_options.LeaveOpen)
            await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private Span<byte> Window => _buffer.AsSpan(_start, _end - _start);

    private void ReturnBuffer()
    {
        if (_buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _start = _end = 0;
        _finished = true;
    }

    private void Consume(int count)
    {
        _start += count;
        _windowPosition += count;
        if (_start == _end)
            _start = _end = 0;
    }

    /// <summary>True when a seekable, not followed stream is known to end before <paramref name="count"/> more bytes.</summary>
    private bool EndsBefore(int count) =>
        CanSeek && _stream.Length - (_origin + _windowPosition) < count;

    private void MarkDamage(EvcsDamageReason reason) => MarkDamageAt(_windowPosition, reason);

    private void MarkDamageAt(long position, EvcsDamageReason reason)
    {
        if (_damageStart >= 0)
            return;
        _damageStart = position;
        _damageReason = reason;
    }

    /// <summary>Starts (or continues) a damaged region here and steps one byte, so the next sync marker is searched for.</summary>
    private void SkipDamaged(EvcsDamageReason reason)
    {
        MarkDamage(reason);
        Consume(1);
    }

    /// <summary>Ends the damaged region being skipped, if any, at the current position.</summary>
    private void CloseDamage()
    {
        if (_damageStart < 0)
            return;
        _damage.Add(new EvcsDamage(_damageStart, _windowPosition - _damageStart, _damageReason));
        _damageStart = -1;
    }

    /// <summary>The data ended: leftover bytes are a truncated structure; the stream is finished.</summary>
    private void EndOfData()
    {
        if (_end > _start)
        {
            MarkDamage(EvcsDamageReason.Truncated);
            Consume(_end - _start);
        }
        CloseDamage();
        _finished = true;
    }

    /// <summary>Makes at least <paramref name="count"/> bytes available in the window; false if the data ends first.</summary>
    private ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken) =>
        _end - _start >= count ? new ValueTask<bool>(true) : FillSlowAsync(count, cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillSlowAsync(int count, CancellationToken cancellationToken)
    {
        if (_buffer.Length == 0)
            ObjectDisposedException.ThrowIf(true, this);
        int available = _end - _start;
        if (count > _buffer.Length)
        {
            // Only reached for lengths a matching CRC vouched for, and never above the format's limits.
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(count, (int)Math.Min(2L * _buffer.Length, int.MaxValue - 64)));
            _buffer.AsSpan(_start, available).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
            _start = 0;
            _end = available;
        }
        else if (_start > 0 && (_start + count > _buffer.Length || _buffer.Length - _end < MinRead))
        {
            _buffer.AsSpan(_start, available).CopyTo(_buffer);
            _start = 0;
            _end = available;
        }
        while (_end - _start < count)
        {
            if (_endOfStream)
                return false;
            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read > 0)
            {
                _end += read;
                _lastDataTicks = System.Diagnostics.Stopwatch.GetTimestamp();
                continue;
            }
            // A pipe that returns 0 is closed for good; only a growing file is worth waiting for.
            if (!_options.Follow || _stopFollowing || !_stream.CanSeek)
            {
                _endOfStream = true;
                return false;
            }
            if (_options.IdleTimeout is TimeSpan idle && System.Diagnostics.Stopwatch.GetElapsedTime(_lastDataTicks) > idle)
            {
                FollowTimedOut = true;
                _endOfStream = true;
                return false;
            }
            await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }
}
