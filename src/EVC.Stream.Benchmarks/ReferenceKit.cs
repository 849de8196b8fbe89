namespace EVC.Stream.Benchmarks;

/// <summary>Finds the official reference kit: <c>--kit</c>, then <c>$EVC_REFERENCE_KIT</c>, then <c>../shared/reference/evc-official</c> above the working or program directory.</summary>
public static class ReferenceKit
{
    /// <summary>Where the kit lies relative to a folder above the working or program directory.</summary>
    public const string RelativePath = "shared/reference/evc-official";

    /// <summary>The kit's folder: <paramref name="explicitPath"/> when given (it must exist), else the first found; null when none is.</summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="explicitPath"/> does not exist.</exception>
    public static string? Find(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
            return Directory.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : throw new DirectoryNotFoundException($"reference kit not found: {explicitPath}");
        string? configured = Environment.GetEnvironmentVariable("EVC_REFERENCE_KIT");
        if (!string.IsNullOrEmpty(configured) && Directory.Exists(configured))
            return Path.GetFullPath(configured);
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, RelativePath);
                if (Directory.Exists(candidate))
                    return candidate;
            }
        }
        return null;
    }

    /// <summary>A folder of the shared datasets beside the kit (<c>../shared/datasets/NAME</c>): kodak, train, …</summary>
    public static string Dataset(string kit, string name) => Path.GetFullPath(Path.Combine(kit, "..", "..", "datasets", name));
}
