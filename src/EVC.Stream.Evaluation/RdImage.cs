using EVC.Stream.Imaging;

namespace EVC.Stream.Evaluation;

/// <summary>An image of an RD run: its PNG, its pixels as planes (what a neural codec takes) and as rgb24 (what metrics compare).</summary>
public sealed record RdImage(string Path, PlanarImage Planar, byte[] Rgb)
{
    /// <summary>Loads a PNG.</summary>
    public static RdImage Load(string path)
    {
        PlanarImage planar = PlanarImage.LoadPng(path);
        return new RdImage(path, planar, planar.ToRgb24());
    }

    /// <summary>The file name, the key results are stored under.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>Width in pixels.</summary>
    public int Width => Planar.Width;

    /// <summary>Height in pixels.</summary>
    public int Height => Planar.Height;
}
