using EVC.Stream.Imaging;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Pipeline;

/// <summary>
/// One picture to an EVC <c>.bin</c> and back, from and to a <see cref="PlanarImage"/>: the image commands' codec,
/// with the tensors (padding, device, cropping) kept inside.
/// </summary>
public sealed class ImageFileCodec
{
    private readonly ImageCodec _codec;

    /// <summary>A codec of <paramref name="model"/> that writes <c>.bin</c> files in <paramref name="mode"/>.</summary>
    public ImageFileCodec(EvcModel model, StreamMode mode)
    {
        ArgumentNullException.ThrowIfNull(model);
        _codec = new ImageCodec(model, mode);
    }

    /// <summary>The encoder level with the lowest RD cost for this picture, as the official scalable encoder chooses.</summary>
    public int ChooseEncoderLevel(PlanarImage image, double qScale)
    {
        using var scope = NewDisposeScope();
        return _codec.ChooseEncoderLevel(Padded(image), qScale);
    }

    /// <summary>The estimated bits per pixel of the padded picture's payload (no entropy coding).</summary>
    public double EstimateBitsPerPixel(PlanarImage image, double qScale, int encoderLevel = -1)
    {
        using var scope = NewDisposeScope();
        return _codec.EstimateBitsPerPixel(Padded(image), qScale, encoderLevel);
    }

    /// <summary>The picture as a <c>.bin</c>; <paramref name="encoderLevel"/> −1 is the highest.</summary>
    public byte[] Compress(PlanarImage image, double qScale, int encoderLevel = -1)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var scope = NewDisposeScope();
        return _codec.Compress(Padded(image), image.Height, image.Width, qScale, encoderLevel, out _);
    }

    /// <summary>A <c>.bin</c> of either mode decoded by <paramref name="model"/>, cropped to its picture size.</summary>
    public static PlanarImage Decompress(EvcModel model, ReadOnlyMemory<byte> bin)
    {
        using var scope = NewDisposeScope();
        Tensor xHat = new ImageCodec(model).Decompress(bin, out int height, out int width);
        using Tensor cropped = xHat.narrow(2, 0, height).narrow(3, 0, width).contiguous().cpu();
        return new PlanarImage(width, height, cropped.data<float>().ToArray());
    }

    private Tensor Padded(PlanarImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return ImageCodec.Pad(tensor(image.Data, new long[] { 1, 3, image.Height, image.Width }).to(_codec.Device));
    }
}
