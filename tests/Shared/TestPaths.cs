namespace EVC.Stream.Tests.Shared;

/// <summary>
/// Where the tests find the repository and the official reference kit (linked into every test project by
/// Directory.Build.props). The kit is <c>../shared/reference/evc-official</c> beside the repository, or
/// <c>$EVC_REFERENCE_KIT</c>; a missing kit fails with the path looked for — conformance tests never pass silently.
/// </summary>
internal static class TestPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);
    private static readonly Lazy<string> s_kit = new(FindKit);

    /// <summary>The repository root (the folder holding EVC.Stream.sln).</summary>
    public static string RepositoryRoot => s_root.Value;

    /// <summary>The official reference kit.</summary>
    public static string Kit => s_kit.Value;

    /// <summary>The shared training photographs (<c>../shared/datasets/train</c>).</summary>
    public static string TrainingImages => Path.GetFullPath(Path.Combine(Kit, "..", "..", "datasets", "train"));

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EVC.Stream.sln")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException("Could not find the repository root (EVC.Stream.sln) above " + AppContext.BaseDirectory);
    }

    private static string FindKit()
    {
        string? configured = Environment.GetEnvironmentVariable("EVC_REFERENCE_KIT");
        if (!string.IsNullOrEmpty(configured))
            return Directory.Exists(configured) ? configured : throw new DirectoryNotFoundException($"EVC_REFERENCE_KIT={configured} does not exist.");
        string kit = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "reference", "evc-official"));
        return Directory.Exists(kit) ? kit : throw new DirectoryNotFoundException($"The official reference kit is missing: expected {kit} (or set EVC_REFERENCE_KIT).");
    }
}
