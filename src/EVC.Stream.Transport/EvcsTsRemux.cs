namespace EVC.Stream.Transport;

/// <summary>Converts between the <c>.evcs</c> file format and its MPEG-TS carriage, both ways, keeping every frame bit-identical.</summary>
public static class EvcsTsRemux
{
    /// <summary>
    /// Writes the frames of <paramref name="reader"/> (in frame order, each once, as <see cref="EvcsRemux"/> does) to
    /// <paramref name="output"/> as a transport stream. <c>.evcs</c> has no capture time: frames carry 0 (unknown).
    /// </summary>
    public static async ValueTask<EvcsTsRemuxResult> ToTransportStreamAsync(EvcsReader reader, System.IO.Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(output);
        var muxer = new EvcsTsMuxer(reader.Header);
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        using var ordered = new EvcsOrderedReader(reader);
        long written = 0;
        while (await ordered.ReadPacketAsync(cancellationToken).ConfigureAwait(false) is { } packet)
        {
            using (packet)
            {
                buffer.ResetWrittenCount();
                muxer.WriteFrame(packet.Payload.Span, packet.Info, 0, buffer);
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }
            written++;
        }
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return new EvcsTsRemuxResult(written, ordered.Duplicates + ordered.TooLate, default);
    }

    /// <summary>
    /// Reads a transport stream and writes its frames to a new <c>.evcs</c> stream on <paramref name="output"/>, with
    /// the first stream header found (frames before it cannot be decoded and are skipped, as by a late receiver).
    /// Lost frames stay gaps in the frame numbers, as <c>.evcs</c> records dropped frames.
    /// </summary>
    /// <exception cref="EvcsFormatException">No stream header and frame were found: not an EVC transport stream.</exception>
    public static async ValueTask<EvcsTsRemuxResult> ToEvcsAsync(System.IO.Stream input, System.IO.Stream output, EvcsWriterOptions? options = null,
        CancellationToken cancellationToken = default) => await ToEvcsAsync(input, output, options, null, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// As <see cref="ToEvcsAsync(System.IO.Stream, System.IO.Stream, EvcsWriterOptions?, CancellationToken)"/>, calling
    /// <paramref name="onFrame"/> with each frame's number and capture time (µs since the Unix epoch, 0 unknown) before
    /// it is written: what <c>.evcs</c> does not store, for glass-to-glass latency.
    /// </summary>
    public static async ValueTask<EvcsTsRemuxResult> ToEvcsAsync(System.IO.Stream input, System.IO.Stream output, EvcsWriterOptions? options,
        Action<long, long>? onFrame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        using var demuxer = new EvcsTsDemuxer();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(EvcsTsConstants.DatagramSize * 48);
        EvcsWriter? writer = null;
        long written = 0, skipped = 0;
        try
        {
            while (true)
            {
                int n = await input.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                    demuxer.Complete();
                else
                    demuxer.Write(chunk.AsSpan(0, n));
                while (demuxer.TryRead(out EvcsTsFrame frame))
                {
                    using (frame)
                    {
                        writer ??= await EvcsWriter.CreateAsync(output, frame.Header, options, cancellationToken).ConfigureAwait(false);
                        if (!ReferenceEquals(frame.Header, writer.Header))
                        {
                            skipped++;
                            continue;
                        }
                        onFrame?.Invoke(frame.FrameNumber, frame.CaptureTimeMicroseconds);
                        await writer.WriteAsync(frame.Payload, frame.Info, cancellationToken).ConfigureAwait(false);
                        written++;
                    }
                }
                if (n == 0)
                    break;
            }
            if (writer is null)
                throw new EvcsFormatException("no EVC frame after a stream header was found in the transport stream (docs/evcs-ts.md)");
            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
            if (writer is not null)
                await writer.DisposeAsync().ConfigureAwait(false);
        }
        return new EvcsTsRemuxResult(written, skipped, demuxer.Statistics);
    }
}
