using System.Diagnostics;
using EVC.Stream.Evaluation;
using EVC.Stream.Imaging;
using EVC.Stream.Model.Codec;
using static TorchSharp.torch;

namespace EVC.Stream.Benchmarks;

/// <summary>One image through <see cref="ImageCodec"/> and back, timed: the whole <c>.bin</c> and the 8-bit reconstruction.</summary>
internal static class EvcImageCoding
{
    /// <summary>
    /// Compresses and decompresses <paramref name="image"/> at <paramref name="qScale"/>. <paramref name="copyInDecodeTime"/>:
    /// whether the decode time includes cropping and copying the reconstruction to the host (bench rd counts it, bench modes does not).
    /// </summary>
    public static RdCoding Code(ImageCodec codec, PlanarImage image, double qScale, bool copyInDecodeTime)
    {
        using var scope = NewDisposeScope();
        Tensor x = ImageCodec.Pad(tensor(image.Data, new long[] { 1, 3, image.Height, image.Width }));
        long start = Stopwatch.GetTimestamp();
        byte[] bin = codec.Compress(x, image.Height, image.Width, qScale, out _);
        double encode = Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        Tensor xHat = codec.Decompress(bin, out int height, out int width);
        double decode = Stopwatch.GetElapsedTime(start).TotalSeconds;
        using Tensor cropped = xHat.narrow(2, 0, height).narrow(3, 0, width).contiguous().cpu();
        if (copyInDecodeTime)
            decode = Stopwatch.GetElapsedTime(start).TotalSeconds;
        byte[] rgb = new PlanarImage(width, height, cropped.data<float>().ToArray()).ToRgb24();
        return new RdCoding(bin.Length, rgb, encode, decode);
    }
}
