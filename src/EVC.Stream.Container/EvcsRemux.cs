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
        // One packet behind: an end-of-stream flag is kept only on the packet written last (a spliced or reordered
        // input can carry it earlier, and a follower of the output would stop there).
        EvcsPacket? pending = null;
        try
        {
            while (await ordered.ReadPacketAsync(cancellationToken).ConfigureAwait(false) is { } packet)
            {
                EvcsPacket? held = pending;
                pending = packet;
                if (held is { } previous)
                {
                    using (previous)
                    {
                        EvcsPacketInfo info = previous.Info with { Flags = previous.Info.Flags & ~EvcsPacketFlags.EndOfStream };
                        await writer.WriteAsync(previous.Payload, info, cancellationToken).ConfigureAwait(false);
                    }
                    written++;
                }
            }
            if (pending is { } last)
            {
                pending = null;
                using (last)
                    await writer.WriteAsync(last.Payload, last.Info, cancellationToken).ConfigureAwait(false);
                written++;
            }
        }
        finally
        {
            pending?.Dispose();
        }
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return new EvcsRemuxResult(written, ordered.Reordered, ordered.Duplicates, ordered.TooLate);
    }
}
