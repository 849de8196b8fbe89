namespace EVC.Stream.Imaging;

/// <summary>
/// Conversions between packed 8-bit RGB (what FFmpeg delivers and consumes: <c>-pix_fmt rgb24</c>) and the planar
/// float [0, 1] layout of EVC models, with the codec's zero padding right and bottom. Span-based, no allocation.
/// </summary>
public static class PixelConversion
{
    private static readonly float[] s_byteToUnit = BuildTable();

    /// <summary>rgb24 (width·height·3) → planar R, G, B planes of paddedWidth × paddedHeight, zero padded, values v/255 (as the official PNG reader).</summary>
    public static unsafe void Rgb24ToPlanar(ReadOnlySpan<byte> rgb, int width, int height, Span<float> planar, int paddedWidth, int paddedHeight)
    {
        if (rgb.Length < 3 * width * height || planar.Length < 3 * paddedWidth * paddedHeight || paddedWidth < width || paddedHeight < height)
            throw new ArgumentException("buffer sizes do not match the frame");
        int plane = paddedWidth * paddedHeight;
        // The hot loop of capture (1080p: 2 M pixels per frame): pointers, no bounds checks; the sizes are checked above.
        fixed (byte* source = rgb)
        fixed (float* destination = planar)
        fixed (float* table = s_byteToUnit)
        {
            byte* from = source;
            float* to = destination, lookup = table;
            ForRowBlocks(width, height, (first, last) =>
            {
                for (int y = first; y < last; y++)
                {
                    byte* row = from + 3L * y * width;
                    float* r = to + (long)y * paddedWidth, g = r + plane, b = g + plane;
                    for (int x = 0; x < width; x++, row += 3)
                    {
                        r[x] = lookup[row[0]];
                        g[x] = lookup[row[1]];
                        b[x] = lookup[row[2]];
                    }
                }
            });
        }
        if (paddedWidth > width)
        {
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < height; y++)
                    planar.Slice(c * plane + y * paddedWidth + width, paddedWidth - width).Clear();
        }
        int tail = (paddedHeight - height) * paddedWidth;
        for (int c = 0; c < 3; c++)
            planar.Slice(c * plane + height * paddedWidth, tail).Clear();
    }

    /// <summary>Planar float (padded) → rgb24 of the visible width × height, <c>clip(rint(v·255), 0, 255)</c> as the official <c>save_torch_image</c>.</summary>
    public static unsafe void PlanarToRgb24(ReadOnlySpan<float> planar, int paddedWidth, int paddedHeight, Span<byte> rgb, int width, int height)
    {
        if (rgb.Length < 3 * width * height || planar.Length < 3 * paddedWidth * paddedHeight || paddedWidth < width || paddedHeight < height)
            throw new ArgumentException("buffer sizes do not match the frame");
        int plane = paddedWidth * paddedHeight;
        fixed (float* source = planar)
        fixed (byte* destination = rgb)
        {
            float* from = source;
            byte* to = destination;
            ForRowBlocks(width, height, (first, last) =>
            {
                for (int y = first; y < last; y++)
                {
                    float* r = from + (long)y * paddedWidth, g = r + plane, b = g + plane;
                    byte* row = to + 3L * y * width;
                    for (int x = 0; x < width; x++, row += 3)
                    {
                        row[0] = ToByte(r[x]);
                        row[1] = ToByte(g[x]);
                        row[2] = ToByte(b[x]);
                    }
                }
            });
        }
    }

    /// <summary>Large frames (≥ 256 K pixels) are converted by all cores in row blocks; small ones on the caller's thread.</summary>
    private static void ForRowBlocks(int width, int height, Action<int, int> rows)
    {
        int blocks = (long)width * height >= 1 << 18 ? Math.Min(Environment.ProcessorCount, 8) : 1;
        if (blocks == 1)
        {
            rows(0, height);
            return;
        }
        Parallel.For(0, blocks, block => rows(height * block / blocks, height * (block + 1) / blocks));
    }

    private static byte ToByte(float value)
    {
        int level = (int)MathF.Round(value * 255f);  // round half to even, as numpy's rint
        return (byte)(level < 0 ? 0 : level > 255 ? 255 : level);
    }

    private static float[] BuildTable()
    {
        var table = new float[256];
        for (int i = 0; i < 256; i++)
            table[i] = i / 255f;  // float32 division, as numpy's u8 / 255 in float32
        return table;
    }
}
