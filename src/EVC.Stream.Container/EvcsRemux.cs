namespace EVC.Stream.Container;

/// <summary>
/// Rewrites a stream: every intact packet, in frame order and each frame once (through <see cref="EvcsOrderedReader"/>),
/// then a fresh index and trailer. The repair for a cut, damaged, spliced or shuffled recording.
/// </summary>
public static class EvcsRemux
{
    /// <summary>Copies the packets of <paramref name="reader"/> to <paramref name="writer"/> and completes the writer.</summary>
    /// <param name="reader">The damaged stream, positioned after its header (as opened).</param>
    /// <param name="writer">A new stream, created with the reader's header.</param>
    /// <param name="window">Packets held to put misplaced ones back in order (<see cref="EvcsOrderedReader.DefaultWindow"/>).</param>
    /// <param name="cancellationToken">Stops the copy; the writer is then left as it is (readable up to its last packet).</param>
    public static async ValueTask<EvcsRemuxResult> CopyAsync(EvcsReader reader, EvcsWriter writer, int window = EvcsOrderedReader.DefaultWindow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        using var ordered = new EvcsOrderedReader(reader, window);
        long written = 0;
        while (await ordered.ReadPacketAsync(cancellationToken).ConfigureAwait(false) is { } packet)
        {
            using (packet)
                await writer.WriteAsync(packet.Payload, packet.Info, cancellationToken).ConfigureAwait(false);
            written++;
        }
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return new EvcsRemuxResult(written, ordered.Reordered, ordered.Duplicates, ordered.TooLate);
    }
}
