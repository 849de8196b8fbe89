namespace EVC.Stream.Pipeline;

/// <summary>
/// Conversions between packed 8-bit RGB (what FFmpeg delivers and consumes: <c>-pix_fmt rgb24</c>) and the planar
/// float [0, 1] layout of EVC models, with the codec's zero padding right and bottom. Span-based, no allocation.
/// </summary>
public static class PixelConversion
{
    private static readonly float[] s_byteToUnit = BuildTable();

    /// <summary>rgb24 (width·height·3) → planar R, G, B planes of paddedWidth × paddedHeight, zero padded, values v/255 (as the official PNG reader).</summary>
    public static void Rgb24ToPlanar(ReadOnlySpan<byte> rgb, int width, int height, Span<float> planar, int paddedWidth, int paddedHeight)
    {
        if (rgb.Length < 3 * width * height || planar.Length < 3 * paddedWidth * paddedHeight || paddedWidth < width || paddedHeight < height)
            throw new ArgumentException("buffer sizes do not match the frame");
        int plane = paddedWidth * paddedHeight;
        Span<float> r = planar.Slice(0, plane), g = planar.Slice(plane, plane), b = planar.Slice(2 * plane, plane);
        ReadOnlySpan<float> table = s_byteToUnit;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = rgb.Slice(3 * y * width, 3 * width);
            int offset = y * paddedWidth;
            for (int x = 0; x < width; x++)
            {
                r[offset + x] = table[row[3 * x]];
                g[offset + x] = table[row[3 * x + 1]];
                b[offset + x] = table[row[3 * x + 2]];
            }
            r.Slice(offset + width, paddedWidth - width).Clear();
            g.Slice(offset + width, paddedWidth - width).Clear();
            b.Slice(offset + width, paddedWidth - width).Clear();
        }
        int tail = (paddedHeight - height) * paddedWidth;
        r.Slice(height * paddedWidth, tail).Clear();
        g.Slice(height * paddedWidth, tail).Clear();
        b.Slice(height * paddedWidth, tail).Clear();
    }

    /// <summary>Planar float (padded) → rgb24 of the visible width × height, <c>clip(rint(v·255), 0, 255)</c> as the official <c>save_torch_image</c>.</summary>
    public static void PlanarToRgb24(ReadOnlySpan<float> planar, int paddedWidth, int paddedHeight, Span<byte> rgb, int width, int height)
    {
        if (rgb.Length < 3 * width * height || planar.Length < 3 * paddedWidth * paddedHeight)
            throw new ArgumentException("buffer sizes do not match the frame");
        int plane = paddedWidth * paddedHeight;
        for (int y = 0; y < height; y++)
        {
            Span<byte> row = rgb.Slice(3 * y * width, 3 * width);
            int offset = y * paddedWidth;
            for (int x = 0; x < width; x++)
            {
                row[3 * x] = ToByte(planar[offset + x]);
                row[3 * x + 1] = ToByte(planar[plane + offset + x]);
                row[3 * x + 2] = ToByte(planar[2 * plane + offset + x]);
            }
        }
    }

    private static byte ToByte(float value) => (byte)Math.Clamp(MathF.Round(value * 255f, MidpointRounding.ToEven), 0f, 255f);

    private static float[] BuildTable()
    {
        var table = new float[256];
        for (int i = 0; i < 256; i++)
            table[i] = i / 255f;  // float32 division, as numpy's u8 / 255 in float32
        return table;
    }
}
