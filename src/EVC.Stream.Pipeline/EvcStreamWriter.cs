using EVC.Stream.Imaging;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Pipeline;

/// <summary>
/// Codes frames from any source of your own into an <c>.evcs</c> stream, one call per frame:
/// <code>
/// await using var writer = await EvcStreamWriter.CreateAsync(File.Create("out.evcs"), model, 320, 240, frameRate: 10);
/// foreach (byte[] rgb24 in frames)
///     await writer.WriteFrameAsync(rgb24, Quality.Default);
/// await writer.CompleteAsync();
/// </code>
/// Frames are coded on the calling thread, one at a time (for a live source with batching, parallel entropy coding and
/// drop policies use <see cref="CaptureSession"/>). Deterministic mode and <see cref="Precision.Auto"/> transforms by
/// default, as <c>evcstream capture</c> writes (bf16 on a CPU with native bfloat16: 3–4x faster networks).
/// </summary>
public sealed class EvcStreamWriter : IAsyncDisposable
{
    private readonly EvcsWriter _writer;
    private readonly ImageCodec _codec;
    private readonly float[] _planar;
    private readonly double _frameRate;

    private EvcStreamWriter(EvcsWriter writer, ImageCodec codec, double frameRate)
    {
        _writer = writer;
        _codec = codec;
        _frameRate = frameRate;
        _planar = new float[3 * ImageCodec.PaddedSize(writer.Header.Width) * ImageCodec.PaddedSize(writer.Header.Height)];
    }

    /// <summary>The stream's header (size, frame rate, model, mode).</summary>
    public EvcsHeader Header => _writer.Header;

    /// <summary>Frames written so far.</summary>
    public long FrameCount => _writer.FrameCount;

    /// <summary>The number format the analysis transforms run in (resolved from the requested one).</summary>
    public Precision Precision => _codec.Precision;

    /// <summary>
    /// Starts a stream of <paramref name="width"/>×<paramref name="height"/> frames at <paramref name="frameRate"/> in
    /// <paramref name="stream"/> (which the writer owns); <paramref name="precision"/> is the analysis transforms' number
    /// format (<see cref="PrecisionChoice"/>).
    /// </summary>
    public static async Task<EvcStreamWriter> CreateAsync(System.IO.Stream stream, EvcModel model, int width, int height, double frameRate,
        StreamMode mode = StreamMode.Deterministic, Precision precision = Precision.Auto, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (!double.IsFinite(frameRate) || frameRate <= 0)
            throw new ArgumentOutOfRangeException(nameof(frameRate), frameRate, "the frame rate must be positive");
        EvcsHeader header = StreamHeader.For(model, mode, width, height, frameRate, "EVC.Stream", typeof(EvcStreamWriter).Assembly.GetName().Version?.ToString(3) ?? "", []);
        EvcsWriter writer = await EvcsWriter.CreateAsync(stream, header, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new EvcStreamWriter(writer, new ImageCodec(model, mode, precision), frameRate);
    }

    /// <summary>Codes one frame of packed 8-bit RGB (<c>rgb24</c>, row-major, width·height·3 bytes) and appends it.</summary>
    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> rgb24, Quality quality, CancellationToken cancellationToken = default)
    {
        int width = Header.Width, height = Header.Height;
        if (rgb24.Length != 3 * width * height)
            throw new ArgumentException($"{rgb24.Length} bytes are not a {width}x{height} rgb24 frame", nameof(rgb24));
        int paddedWidth = ImageCodec.PaddedSize(width), paddedHeight = ImageCodec.PaddedSize(height);
        PixelConversion.Rgb24ToPlanar(rgb24.Span, width, height, _planar, paddedWidth, paddedHeight);
        ImageCodec.FrameSymbols symbols;
        using (NewDisposeScope())
        using (no_grad())
        {
            Tensor x = tensor(_planar, [1, 3, paddedHeight, paddedWidth]).to(_codec.Device);
            symbols = _codec.AnalyseBatch(x, quality.Resolve(_codec.Model))[0];
        }
        byte[] payload = _codec.EncodePayload(symbols);
        long frame = _writer.FrameCount;
        long pts = (long)Math.Round(frame / _frameRate / Header.TimeBase.Value);
        await _writer.WriteAsync(payload, new EvcsPacketInfo(frame, pts, (ushort)symbols.QIndex, 0), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the index and trailer: the stream is complete.</summary>
    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => _writer.CompleteAsync(cancellationToken);

    /// <summary>Closes the stream (an incomplete one stays readable up to its last frame).</summary>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
