using System.Runtime.CompilerServices;

namespace EVC.Stream.Container;

/// <summary>
/// Reads the packets of an <see cref="EvcsReader"/> in frame order, each frame number at most once: packets that
/// arrive out of order (a swapped or spliced file) are held in a bounded window and put back in place, and a packet
/// whose frame number was already returned or is already held (a duplicated packet) is dropped and counted.
/// </summary>
/// <remarks>
/// The reader returns intact packets in stream order; this is the layer every frame consumer (remux, decode) reads
/// through, so none of them emits a frame twice or drops a packet that is merely misplaced. A packet is returned once
/// it directly follows the last one returned (no wait for in-order, gapless streams), or once the window holds more than
/// <c>window</c> packets or <c>maxHeldBytes</c> payload bytes, or at the end of the stream. A packet that arrives after a
/// later frame was already returned cannot be placed any more: it is dropped and counted in <see cref="TooLate"/>.
/// Holding and taking allocate nothing (fixed arrays); held payloads stay in their pooled buffers. Not thread-safe.
/// </remarks>
public sealed class EvcsOrderedReader : IDisposable
{
    /// <summary>Packets held at most by default: a misplaced packet up to this far from its place is put back.</summary>
    public const int DefaultWindow = 64;

    /// <summary>Payload bytes held at most by default (keeps the window's memory bounded for large frames).</summary>
    public const long DefaultMaxHeldBytes = 128L * 1024 * 1024;

    /// <summary>Frame numbers remembered beyond the window, to tell a late duplicate from a late packet.</summary>
    private const int ExtraRemembered = 64;

    private readonly EvcsReader _reader;
    private readonly int _window;
    private readonly long _maxHeldBytes;
    /// <summary>Held packets, sorted by frame number, in [0, _held).</summary>
    private readonly EvcsPacket[] _heldPackets;
    private int _held;
    private long _heldBytes;
    /// <summary>The last frame numbers returned (strictly increasing), a ring ending at <see cref="_recentEnd"/>.</summary>
    private readonly long[] _recent;
    private int _recentEnd;
    private int _recentCount;
    private long _last = -1;
    private long _highest = -1;
    private bool _endOfStream;
    private bool _disposed;

    /// <summary>Reads <paramref name="reader"/> (not owned: dispose it separately) through a window of <paramref name="window"/> packets.</summary>
    /// <param name="reader">The stream's reader.</param>
    /// <param name="window">Packets held at most; 0 returns packets in arrival order, dropping only duplicates and those behind a returned frame.</param>
    /// <param name="maxHeldBytes">Payload bytes held at most.</param>
    public EvcsOrderedReader(EvcsReader reader, int window = DefaultWindow, long maxHeldBytes = DefaultMaxHeldBytes)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegative(window);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, 1 << 16);
        ArgumentOutOfRangeException.ThrowIfNegative(maxHeldBytes);
        _reader = reader;
        _window = window;
        _maxHeldBytes = maxHeldBytes;
        _heldPackets = new EvcsPacket[window + 1];
        _recent = new long[window + ExtraRemembered];
    }

    /// <summary>Packets returned after a later frame had arrived: put back in place.</summary>
    public long Reordered { get; private set; }

    /// <summary>Packets dropped because a packet with the same frame number was already returned or held.</summary>
    public long Duplicates { get; private set; }

    /// <summary>
    /// Packets dropped because a later frame had already been returned (misplaced by more than the window), or whose
    /// frame number is outside the format (≥ 2⁶³).
    /// </summary>
    public long TooLate { get; private set; }

    /// <summary>
    /// The next packet in frame order, or null at the end of the stream. The caller owns (and disposes) the packet.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<EvcsPacket?> ReadPacketAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            if (_held > 0 && (_endOfStream || Ready()))
                return Take();
            if (_endOfStream)
                return null;
            EvcsPacket? next = await _reader.ReadPacketAsync(cancellationToken).ConfigureAwait(false);
            if (next is null)
                _endOfStream = true;
            else
                Add(next.Value);
        }
    }

    /// <summary>Returns the payload buffers of the packets still held.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        for (int i = 0; i < _held; i++)
            _heldPackets[i].Dispose();
        Array.Clear(_heldPackets);
        _held = 0;
        _heldBytes = 0;
    }

    /// <summary>True when the smallest held packet can be returned now.</summary>
    private bool Ready() =>
        _heldPackets[0].FrameNumber - 1 == _last  // nothing can come between it and the last one returned
        || _held > _window
        || _heldBytes > _maxHeldBytes;

    private EvcsPacket Take()
    {
        EvcsPacket packet = _heldPackets[0];
        _held--;
        Array.Copy(_heldPackets, 1, _heldPackets, 0, _held);
        _heldPackets[_held] = default;
        _heldBytes -= packet.Length;
        _last = packet.FrameNumber;
        _recent[_recentEnd] = _last;
        _recentEnd = (_recentEnd + 1) % _recent.Length;
        _recentCount = Math.Min(_recentCount + 1, _recent.Length);
        return packet;
    }

    private void Add(EvcsPacket packet)
    {
        long frame = packet.FrameNumber;
        if (frame < 0)
        {
            packet.Dispose();
            TooLate++;
            return;
        }
        if (frame <= _last)
        {
            packet.Dispose();
            if (WasReturned(frame))
                Duplicates++;
            else
                TooLate++;
            return;
        }
        // Binary search: in-order packets go to the end without moving anything.
        int lo = 0, hi = _held;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_heldPackets[mid].FrameNumber < frame)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < _held && _heldPackets[lo].FrameNumber == frame)
        {
            packet.Dispose();  // the first copy read is kept
            Duplicates++;
            return;
        }
        if (frame < _highest)
            Reordered++;
        else
            _highest = frame;
        Array.Copy(_heldPackets, lo, _heldPackets, lo + 1, _held - lo);
        _heldPackets[lo] = packet;
        _held++;
        _heldBytes += packet.Length;
    }

    /// <summary>True when <paramref name="frame"/> is among the last frame numbers returned.</summary>
    private bool WasReturned(long frame)
    {
        for (int i = 1; i <= _recentCount; i++)
        {
            long returned = _recent[(_recentEnd - i + _recent.Length) % _recent.Length];
            if (returned == frame)
                return true;
            if (returned < frame)
                return false;  // the ring is increasing: older entries are smaller still
        }
        return false;
    }
}
