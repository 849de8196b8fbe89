using System.Runtime.CompilerServices;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Pipeline;

/// <summary>
/// Reads an <c>.evcs</c> stream frame by frame, decoded to RGB:
/// <code>
/// await using var reader = await EvcStreamReader.OpenAsync(File.OpenRead("in.evcs"), model);
/// await foreach (DecodedFrame frame in reader.ReadFramesAsync())
///     Use(frame.Rgb24);
/// </code>
/// Frames are decoded on the calling thread, in stream order; damaged regions are skipped (the container resynchronises)
/// and listed in <see cref="Damage"/>. For real-time playback with parallel decoders use <see cref="PlaybackSession"/>.
/// </summary>
public sealed class EvcStreamReader : IAsyncDisposable
{
    private readonly EvcsReader _reader;
    private readonly ImageCodec _codec;
    private readonly StreamMode _mode;

    private EvcStreamReader(EvcsReader reader, ImageCodec codec, StreamMode mode)
    {
        _reader = reader;
        _codec = codec;
        _mode = mode;
    }

    /// <summary>The stream's header (size, frame rate, model, mode).</summary>
    public EvcsHeader Header => _reader.Header;

    /// <summary>Damaged regions skipped so far.</summary>
    public IReadOnlyList<EvcsDamage> Damage => _reader.Damage;

    /// <summary>The number format the synthesis transform runs in (resolved from the requested one and the stream's mode).</summary>
    public Precision Precision => _codec.Precision;

    /// <summary>
    /// Opens the stream in <paramref name="stream"/> (which the reader owns) to be decoded by <paramref name="model"/>,
    /// the synthesis transform in <paramref name="precision"/> (<see cref="PrecisionChoice"/>; the symbols decode the
    /// same either way).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="model"/> does not have the weights the stream was coded with.</exception>
    /// <exception cref="EvcsFormatException">Not an <c>.evcs</c> stream.</exception>
    public static async Task<EvcStreamReader> OpenAsync(System.IO.Stream stream, EvcModel model, Precision precision = Precision.Auto, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(model);
        EvcsReader reader = await EvcsReader.OpenAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            StreamHeader.CheckWeights(reader.Header, model, "the stream");
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        StreamMode mode = StreamHeader.ModeOf(reader.Header);
        return new EvcStreamReader(reader, new ImageCodec(model, mode, precision), mode);
    }

    /// <summary>Decodes the frames one by one until the stream ends.</summary>
    /// <exception cref="Entropy.EntropyCodingException">A frame's payload is corrupt though its checksum held.</exception>
    public async IAsyncEnumerable<DecodedFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int width = Header.Width, height = Header.Height;
        while (await _reader.ReadPacketAsync(cancellationToken).ConfigureAwait(false) is EvcsPacket packet)
        {
            using (packet)
            {
                var rgb = new byte[3 * width * height];
                using (NewDisposeScope())
                    ImageCodec.CopyToRgb24(_codec.DecompressPayload(packet.Payload, height, width, packet.Info.QIndex, _mode), rgb, width, height);
                yield return new DecodedFrame(packet.FrameNumber, packet.Pts, width, height, rgb);
            }
        }
    }

    /// <summary>Closes the stream.</summary>
    public ValueTask DisposeAsync() => _reader.DisposeAsync();
}
