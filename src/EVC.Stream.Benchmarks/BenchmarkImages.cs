namespace EVC.Stream.Benchmarks;

/// <summary>The PNG images of a folder that image benchmarks run over.</summary>
public static class BenchmarkImages
{
    /// <summary>The PNGs of <paramref name="folder"/> sorted by name, only the first <paramref name="count"/> when given.</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    /// <exception cref="ArgumentException">No PNG in it.</exception>
    public static string[] List(string folder, int? count)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"image folder not found: {folder}");
        string[] files = Directory.GetFiles(folder, "*.png");
        Array.Sort(files, StringComparer.Ordinal);
        if (count is int n)
            files = files[..Math.Min(n, files.Length)];
        if (files.Length == 0)
            throw new ArgumentException($"no PNG images in {folder}");
        return files;
    }
}
