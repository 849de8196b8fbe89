namespace EVC.Stream.Imaging.Tests;

public sealed class PlanarImageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-imaging-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_png_written_and_read_back_keeps_every_byte()
    {
        var rgb = new byte[3 * 13 * 9];
        new Random(3).NextBytes(rgb);
        string path = Path.Combine(_directory, "a.png");
        File.WriteAllBytes(path, PngCodec.EncodeRgb(13, 9, rgb));

        PlanarImage image = PlanarImage.LoadPng(path);
        Assert.Equal((13, 9), (image.Width, image.Height));
        Assert.Equal(rgb[3 * 14 + 2] / 255f, image.Data[2 * 13 * 9 + 14]);  // B of pixel (x 1, y 1), planar
        Assert.Equal(rgb, image.ToRgb24());

        string copy = Path.Combine(_directory, "b.png");
        image.SavePng(copy);
        Assert.Equal(rgb, PlanarImage.LoadRgb24(copy));
        Assert.False(File.Exists(copy + ".partial"));
    }

    [Fact]
    public void A_file_that_is_not_a_png_is_an_image_format_error()
    {
        string path = Path.Combine(_directory, "not.png");
        File.WriteAllText(path, "GIF89a, not a png");
        Assert.Throws<ImageFormatException>(() => PlanarImage.LoadPng(path));
    }

    [Fact]
    public void Psnr_is_infinite_for_equal_images_and_matches_its_definition()
    {
        byte[] a = [0, 10, 20, 30, 40, 50];
        byte[] b = [0, 10, 20, 30, 40, 53];
        Assert.Equal(double.PositiveInfinity, PlanarImage.Psnr(a, a));
        Assert.Equal(10 * Math.Log10(255.0 * 255.0 / (9.0 / 6)), PlanarImage.Psnr(a, b), 12);
        Assert.Throws<ArgumentException>(() => PlanarImage.Psnr(a, b.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => PlanarImage.Psnr([], []));
    }
}
