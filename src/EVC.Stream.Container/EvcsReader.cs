using EVC.Stream.Container.Internal;

namespace EVC.Stream.Container;

/// <summary>
/// Reads an <c>.evcs</c> stream packet by packet. Damage never throws after the file header: damaged or cut packets
/// are skipped, reported in <see cref="Damage"/> with their byte position, and reading resumes at the next sync
/// marker. Reads files, pipes (from any <see cref="System.IO.Stream"/>) and, with
/// <see cref="EvcsReaderOptions.Follow"/>, files that are still being written.
/// </summary>
/// <remarks>
/// Steady-state reading allocates nothing: payloads come in pooled buffers that the caller returns by disposing each
/// <see cref="EvcsPacket"/>. Seeking needs a seekable stream; the seek table is the stored index, or one rebuilt by
/// scanning when it is absent or damaged, with the same results. Not thread-safe: one call at a time.
/// </remarks>
public sealed class EvcsReader : IAsyncDisposable, IDisposable
{
    private readonly EvcsReaderCore _core;

    private EvcsReader(EvcsReaderCore core) => _core = core;

    /// <summary>The decoded file header.</summary>
    public EvcsHeader Header => _core.Header;

    /// <summary>Size of the file header in bytes (where the first packet starts).</summary>
    public int HeaderLength => _core.HeaderLength;

    /// <summary>Damaged regions found so far, in stream order. Empty for an intact stream.</summary>
    public IReadOnlyList<EvcsDamage> Damage => _core.Damage;

    /// <summary>The trailer: known at open for a seekable stream with an intact one, else once reading reaches it; null if none.</summary>
    public EvcsTrailer? Trailer => _core.Trailer;

    /// <summary>Where the seek table came from (<see cref="EvcsIndexSource.None"/> until one is loaded or rebuilt).</summary>
    public EvcsIndexSource IndexSource => _core.IndexSource;

    /// <summary>True when the trailer names an index that failed its checks at open (it is rebuilt when needed).</summary>
    public bool StoredIndexDamaged => _core.StoredIndexDamaged;

    /// <summary>Offset, from the start of the stream, of the next byte to parse.</summary>
    public long Position => _core.Position;

    /// <summary>True when <see cref="SeekAsync"/> and <see cref="GetIndexAsync"/> are available (seekable stream, not followed).</summary>
    public bool CanSeek => _core.CanSeek;

    /// <summary>Following stopped because the file did not grow for <see cref="EvcsReaderOptions.IdleTimeout"/> (its writer died?).</summary>
    public bool FollowTimedOut => _core.FollowTimedOut;

    /// <summary>
    /// Reads and checks the file header from the current position of <paramref name="stream"/>; for a seekable stream
    /// also the trailer and stored index. With <see cref="EvcsReaderOptions.Follow"/> it waits for a header still being written.
    /// </summary>
    /// <exception cref="EvcsFormatException">Not an .evcs stream, an unsupported version, or a damaged or truncated file header.</exception>
    public static async ValueTask<EvcsReader> OpenAsync(System.IO.Stream stream, EvcsReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new EvcsReaderOptions();
        try
        {
            return new EvcsReader(await EvcsReaderCore.OpenAsync(stream, options, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            if (!options.LeaveOpen)
                await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Reads the next intact packet, or null at the end of the stream (its trailer, the end of the data, or for a
    /// follower the end after a packet flagged <see cref="EvcsPacketFlags.EndOfStream"/>). Dispose the packet when done.
    /// Packets come in stream order, as found: a damaged file may hold them out of order or twice. Read through an
    /// <see cref="EvcsOrderedReader"/> to get frame order with each frame number once.
    /// </summary>
    public ValueTask<EvcsPacket?> ReadPacketAsync(CancellationToken cancellationToken = default) =>
        _core.ReadAsync(copyPayload: true, cancellationToken);

    /// <summary>
    /// The seek table (frame → offset), in frame order, each frame number once: the stored index when intact, otherwise
    /// rebuilt by scanning every packet (the reading position is kept; of duplicated packets the first one counts).
    /// </summary>
    /// <exception cref="NotSupportedException">The stream cannot seek, or it is followed.</exception>
    public async ValueTask<IReadOnlyList<EvcsIndexEntry>> GetIndexAsync(CancellationToken cancellationToken = default) =>
        await _core.GetIndexAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Positions the reader at the first packet whose frame number is at least <paramref name="frameNumber"/>;
    /// false (position unchanged) when there is none.
    /// </summary>
    /// <exception cref="NotSupportedException">The stream cannot seek, or it is followed.</exception>
    public ValueTask<bool> SeekAsync(long frameNumber, CancellationToken cancellationToken = default) =>
        _core.SeekAsync(frameNumber, cancellationToken);

    /// <summary>Returns the reader's buffer and closes the stream unless <see cref="EvcsReaderOptions.LeaveOpen"/>.</summary>
    public ValueTask DisposeAsync() => _core.DisposeAsync();

    /// <summary>Synchronous <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => _core.Dispose();
}
