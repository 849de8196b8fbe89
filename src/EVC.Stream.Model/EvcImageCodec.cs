using EVC.Stream.Imaging;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Model;

/// <summary>
/// Encodes one image to an EVC <c>.bin</c> and back, in a few lines and without touching tensors:
/// <code>
/// var codec = new EvcImageCodec(model);
/// byte[] bin = codec.Encode(PlanarImage.LoadPng("in.png"), Quality.FromRateIndex(2));
/// codec.Decode(bin).SavePng("out.png");
/// </code>
/// Official mode writes the official EVC <c>.bin</c> (byte for byte what the official code writes); deterministic mode
/// an <c>EVCD</c>-prefixed <c>.bin</c> that decodes to the same symbols on any device (<c>docs/determinism.md</c>).
/// Decoding reads the mode from the <c>.bin</c>. One call at a time per instance.
/// </summary>
public sealed class EvcImageCodec
{
    private readonly ImageCodec _codec;

    /// <summary>
    /// A codec over <paramref name="model"/> (on the device the model is on) writing <paramref name="mode"/> streams,
    /// running the analysis and synthesis transforms in <paramref name="precision"/> (default fp32, the official
    /// numbers; the entropy parameters, and so the decoded symbols, do not depend on it).
    /// </summary>
    public EvcImageCodec(EvcModel model, StreamMode mode = StreamMode.Official, Precision precision = Precision.Fp32)
    {
        ArgumentNullException.ThrowIfNull(model);
        _codec = new ImageCodec(model, mode, precision);
    }

    /// <summary>The transforms' number format for <see cref="Mode"/> streams: fp32 or bf16 (auto resolved; decoding resolves auto for each stream's mode).</summary>
    public Precision Precision => _codec.Precision;

    /// <summary>The model this codec runs.</summary>
    public EvcModel Model => _codec.Model;

    /// <summary>The mode <see cref="Encode(PlanarImage, Quality)"/> writes.</summary>
    public StreamMode Mode => _codec.Mode;

    /// <summary>Encodes <paramref name="image"/> at <paramref name="quality"/> to a complete <c>.bin</c>.</summary>
    public byte[] Encode(PlanarImage image, Quality quality) => Encode(image, quality, encoderLevel: -1);

    /// <summary>
    /// Encodes with a scalable-encoder model's encoder level (0 the fastest; −1 the highest; see
    /// <see cref="ChooseEncoderLevel"/>); single-encoder models ignore it. The stream format does not depend on it.
    /// </summary>
    public byte[] Encode(PlanarImage image, Quality quality, int encoderLevel)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return _codec.Compress(Padded(image), image.Height, image.Width, quality.Resolve(_codec.Model), encoderLevel, out _);
    }

    /// <summary>The encoder level with the lowest RD cost for <paramref name="image"/>, as the official scalable encoder chooses.</summary>
    public int ChooseEncoderLevel(PlanarImage image, Quality quality)
    {
        using var scope = NewDisposeScope();
        return _codec.ChooseEncoderLevel(Padded(image), quality.Resolve(_codec.Model));
    }

    /// <summary>Encodes packed 8-bit RGB (<c>rgb24</c>, row-major, <paramref name="width"/>·<paramref name="height"/>·3 bytes).</summary>
    public byte[] Encode(ReadOnlySpan<byte> rgb24, int width, int height, Quality quality) =>
        Encode(FromRgb24(rgb24, width, height), quality);

    /// <summary>Decodes a <c>.bin</c> of either mode to the image the official code saves.</summary>
    /// <exception cref="Entropy.EntropyCodingException">The payload is corrupt or truncated.</exception>
    /// <exception cref="InvalidDataException">Not a <c>.bin</c> this codec reads, or a truncated one.</exception>
    public PlanarImage Decode(ReadOnlyMemory<byte> bin)
    {
        using var scope = NewDisposeScope();
        Tensor xHat = _codec.Decompress(bin, out int height, out int width);
        using Tensor cropped = xHat.narrow(2, 0, height).narrow(3, 0, width).contiguous().cpu();
        return new PlanarImage(width, height, cropped.data<float>().ToArray());
    }

    /// <summary>Decodes a <c>.bin</c> to packed 8-bit RGB: <c>clip(rint(255·x), 0, 255)</c>, as the official scripts save.</summary>
    public byte[] DecodeRgb24(ReadOnlyMemory<byte> bin, out int width, out int height)
    {
        using var scope = NewDisposeScope();
        Tensor xHat = _codec.Decompress(bin, out height, out width);
        var rgb = new byte[3 * width * height];
        ImageCodec.CopyToRgb24(xHat, rgb, width, height);  // straight from the padded planes: no float copy in between
        return rgb;
    }

    /// <summary>The estimated payload size in bits per pixel of the padded picture at <paramref name="quality"/>, without entropy coding.</summary>
    public double EstimateBitsPerPixel(PlanarImage image, Quality quality, int encoderLevel = -1)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return _codec.EstimateBitsPerPixel(Padded(image), quality.Resolve(_codec.Model), encoderLevel);
    }

    /// <summary>The side the codec pads a picture side to (a multiple of 64, with zeros right and bottom).</summary>
    public static int PaddedSize(int side) => ImageCodec.PaddedSize(side);

    private Tensor Padded(PlanarImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return ImageCodec.Pad(tensor(image.Data, [1, 3, image.Height, image.Width]).to(_codec.Device));
    }

    private static PlanarImage FromRgb24(ReadOnlySpan<byte> rgb24, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (rgb24.Length != 3 * width * height)
            throw new ArgumentException($"{rgb24.Length} bytes are not a {width}x{height} rgb24 image", nameof(rgb24));
        var data = new float[3 * width * height];
        PixelConversion.Rgb24ToPlanar(rgb24, width, height, data, width, height);
        return new PlanarImage(width, height, data);
    }
}
