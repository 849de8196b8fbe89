using EVC.Stream.Tests.Shared;

namespace EVC.Stream.Architecture.Tests;

/// <summary>Each library's public API is declared in a snapshot file, and the build refuses an undeclared change.</summary>
public sealed class PublicApiTests : IDisposable
{
    private readonly string _copy = Directory.CreateTempSubdirectory("evc-api-").FullName;

    public void Dispose() => Directory.Delete(_copy, recursive: true);

    [Fact]
    public void Every_library_declares_its_public_api()
    {
        foreach ((string name, string csproj) in ProjectFiles.SourceProjects())
        {
            if (name == "Cli")
                continue;  // an application: everything internal
            string shipped = Path.Combine(Path.GetDirectoryName(csproj)!, "PublicAPI.Shipped.txt");
            Assert.True(File.Exists(shipped), $"{name}: no PublicAPI.Shipped.txt (run tools/update-public-api.sh)");
            Assert.Equal("#nullable enable", File.ReadLines(shipped).First());
            Assert.True(File.ReadLines(shipped).Count() > 1, $"{name}: an empty public API");
        }
    }

    [Fact]
    public void A_public_symbol_added_without_declaring_it_fails_the_build()
    {
        // A copy of the smallest library with the repository's build files, so the real tree is never touched.
        string root = TestPaths.RepositoryRoot;
        foreach (string file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "README.md", "LICENSE" })
            File.Copy(Path.Combine(root, file), Path.Combine(_copy, file));
        CopyFolder(Path.Combine(root, "build"), Path.Combine(_copy, "build"));
        string project = Path.Combine(_copy, "src", "EVC.Stream.Imaging");
        CopyFolder(Path.Combine(root, "src", "EVC.Stream.Imaging"), project);

        (int declared, string declaredLog) = DotnetRun.Run(project, TimeSpan.FromMinutes(5), "build", "-c", "Release");
        Assert.True(declared == 0, declaredLog);

        File.WriteAllText(Path.Combine(project, "Unannounced.cs"), "namespace EVC.Stream.Imaging;\n\n/// <summary>New.</summary>\npublic static class Unannounced\n{\n    /// <summary>New.</summary>\n    public static int Answer() => 42;\n}\n");
        (int changed, string changedLog) = DotnetRun.Run(project, TimeSpan.FromMinutes(5), "build", "-c", "Release");
        Assert.NotEqual(0, changed);
        Assert.Contains("RS0016: Symbol 'EVC.Stream.Imaging.Unannounced' is not part of the declared public API", changedLog);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string folder in Directory.GetDirectories(from))
        {
            if (Path.GetFileName(folder) is not ("bin" or "obj"))
                CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }
}
