namespace EVC.Stream.Imaging.Tests;

public sealed class PixelConversionTests
{
    [Fact]
    public void Pixel_conversion_pads_with_zeros_and_round_trips_every_byte()
    {
        var rgb = new byte[3 * 5 * 3];
        for (int i = 0; i < rgb.Length; i++)
            rgb[i] = (byte)(i * 37 % 256);
        var planar = new float[3 * 8 * 4];
        planar.AsSpan().Fill(float.NaN);
        PixelConversion.Rgb24ToPlanar(rgb, 5, 3, planar, 8, 4);
        Assert.Equal(rgb[3 * 6 + 1] / 255f, planar[8 * 4 + 1 * 8 + 1]);  // G of pixel (x 1, y 1)
        Assert.Equal(0f, planar[7]);                                      // right padding
        Assert.Equal(0f, planar[3 * 8 + 2]);                              // bottom padding
        var back = new byte[rgb.Length];
        PixelConversion.PlanarToRgb24(planar, 8, 4, back, 5, 3);
        Assert.Equal(rgb, back);
    }

    [Theory]
    [InlineData(7, 5, 16, 8)]        // one thread
    [InlineData(700, 400, 704, 448)] // ≥ 256 K pixels: row blocks on all cores
    public void Fast_conversion_equals_the_scalar_reference(int width, int height, int paddedWidth, int paddedHeight)
    {
        var random = new Random(width);
        var rgb = new byte[3 * width * height];
        random.NextBytes(rgb);
        var planar = new float[3 * paddedWidth * paddedHeight];
        PixelConversion.Rgb24ToPlanar(rgb, width, height, planar, paddedWidth, paddedHeight);
        Assert.Equal(ScalarToPlanar(rgb, width, height, paddedWidth, paddedHeight), planar);

        // Arbitrary floats (out of range, halves) back to bytes.
        for (int i = 0; i < planar.Length; i++)
            planar[i] = (float)(random.NextDouble() * 1.2 - 0.1);
        planar[0] = 0.5f / 255f * 3;  // 1.5 → 2 (half to even)
        planar[1] = 0.5f / 255f * 5;  // 2.5 → 2
        var fast = new byte[rgb.Length];
        PixelConversion.PlanarToRgb24(planar, paddedWidth, paddedHeight, fast, width, height);
        Assert.Equal(ScalarToRgb(planar, paddedWidth, paddedHeight, width, height), fast);
    }

    [Fact]
    public void Conversion_refuses_buffers_that_do_not_fit_the_frame() =>
        Assert.Throws<ArgumentException>(() => PixelConversion.Rgb24ToPlanar(new byte[3 * 4 * 4], 4, 4, new float[3 * 4 * 4], 2, 4));

    // The official scripts' arithmetic, written the obvious way: float32(u8) / 255 and clip(rint(x·255), 0, 255).
    private static float[] ScalarToPlanar(byte[] rgb, int width, int height, int paddedWidth, int paddedHeight)
    {
        var planar = new float[3 * paddedWidth * paddedHeight];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    planar[(c * paddedHeight + y) * paddedWidth + x] = rgb[3 * (y * width + x) + c] / 255f;
        return planar;
    }

    private static byte[] ScalarToRgb(float[] planar, int paddedWidth, int paddedHeight, int width, int height)
    {
        var rgb = new byte[3 * width * height];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    rgb[3 * (y * width + x) + c] = (byte)Math.Clamp(Math.Round(planar[(c * paddedHeight + y) * paddedWidth + x] * 255f, MidpointRounding.ToEven), 0, 255);
        return rgb;
    }
}
