namespace EVC.Stream.Imaging;

/// <summary>
/// An RGB image as planar float32 in [0, 1] (channel, row, column) — the layout EVC models take — with PNG reading and
/// writing that matches the official EVC scripts: <c>PNGReader</c> (PIL <c>convert('RGB')</c>, then <c>/255</c>) and
/// <c>save_torch_image</c> (<c>clip(rint(x·255), 0, 255)</c> as uint8).
/// </summary>
public sealed class PlanarImage
{
    /// <summary>Creates an image from planar RGB data (3 × height × width values).</summary>
    public PlanarImage(int width, int height, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (data.Length != 3 * width * height)
            throw new ArgumentException($"{data.Length} values do not make a 3x{height}x{width} image", nameof(data));
        Width = width;
        Height = height;
        Data = data;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Planar RGB values in [0, 1]: R plane, G plane, B plane, each row-major.</summary>
    public float[] Data { get; }

    /// <summary>Reads a PNG (any colour type; converted to 8-bit RGB, alpha dropped as PIL's convert('RGB') does).</summary>
    /// <exception cref="ImageFormatException">The file is not a readable PNG.</exception>
    public static PlanarImage LoadPng(string path)
    {
        (int width, int height, byte[] rgb) = PngCodec.Decode(File.ReadAllBytes(path));
        var data = new float[3 * width * height];
        PixelConversion.Rgb24ToPlanar(rgb, width, height, data, width, height);
        return new PlanarImage(width, height, data);
    }

    /// <summary>Converts to 8-bit RGB the way the official <c>save_torch_image</c> does: <c>clip(rint(x·255), 0, 255)</c>.</summary>
    public byte[] ToRgb24()
    {
        var rgb = new byte[3 * Width * Height];
        PixelConversion.PlanarToRgb24(Data, Width, Height, rgb, Width, Height);
        return rgb;
    }

    /// <summary>Writes an 8-bit RGB PNG (through a temporary file, so an interrupted write leaves no half file).</summary>
    public void SavePng(string path)
    {
        string temporary = path + ".partial";
        File.WriteAllBytes(temporary, PngCodec.EncodeRgb(Width, Height, ToRgb24()));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>PSNR in dB between two 8-bit RGB buffers of the same size (infinity when identical).</summary>
    public static double Psnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
            throw new ArgumentException("images differ in size");
        if (a.IsEmpty)
            throw new ArgumentException("empty image");
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / (sum / a.Length));
    }

    /// <summary>Reads a PNG as 8-bit RGB bytes (for comparisons).</summary>
    public static byte[] LoadRgb24(string path) => PngCodec.Decode(File.ReadAllBytes(path)).Rgb;
}
