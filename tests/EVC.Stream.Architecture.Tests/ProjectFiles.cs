using System.Xml.Linq;
using EVC.Stream.Tests.Shared;

namespace EVC.Stream.Architecture.Tests;

/// <summary>The projects of the repository as their <c>.csproj</c> files declare them.</summary>
internal static class ProjectFiles
{
    /// <summary>Every project under <c>src/</c>, by short name (<c>EVC.Stream.Model</c> → <c>Model</c>).</summary>
    public static IReadOnlyDictionary<string, string> SourceProjects() =>
        Directory.GetDirectories(Path.Combine(TestPaths.RepositoryRoot, "src"))
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".csproj"))
            .Where(File.Exists)
            .ToDictionary(p => ShortName(Path.GetFileNameWithoutExtension(p)), p => p);

    /// <summary><c>EVC.Stream.Model</c> → <c>Model</c>; the CLI (assembly <c>evcstream</c>) is <c>Cli</c>.</summary>
    public static string ShortName(string projectName) => projectName.Replace("EVC.Stream.", "", StringComparison.Ordinal);

    /// <summary>The project's direct project references, by short name.</summary>
    public static SortedSet<string> ProjectReferences(string csproj) =>
        new(Items(csproj, "ProjectReference").Select(i => ShortName(Path.GetFileNameWithoutExtension(i.Attribute("Include")!.Value.Replace('\\', '/')))), StringComparer.Ordinal);

    /// <summary>The project's direct package references (build-time analyzers excluded).</summary>
    public static SortedSet<string> PackageReferences(string csproj) =>
        new(Items(csproj, "PackageReference").Select(i => i.Attribute("Include")!.Value), StringComparer.Ordinal);

    private static IEnumerable<XElement> Items(string csproj, string kind) =>
        XDocument.Load(csproj).Descendants(kind).Where(i => i.Attribute("Include") is not null);
}
