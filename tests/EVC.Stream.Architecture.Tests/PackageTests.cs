using System.IO.Compression;
using System.Xml.Linq;
using EVC.Stream.Tests.Shared;

namespace EVC.Stream.Architecture.Tests;

/// <summary><c>dotnet pack</c> gives a library package a C# developer can use: docs, readme, licence, one version.</summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("evc-pack-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public void A_library_packs_with_its_xml_docs_readme_licence_and_the_repository_version()
    {
        string root = TestPaths.RepositoryRoot;
        (int exit, string log) = DotnetRun.Run(root, TimeSpan.FromMinutes(5), "pack", "src/EVC.Stream.Imaging", "-c", "Release", "-o", _output);
        Assert.True(exit == 0, log);

        string version = XDocument.Load(Path.Combine(root, "Directory.Build.props")).Descendants("Version").Single().Value;
        string package = Path.Combine(_output, $"EVC.Stream.Imaging.{version}.nupkg");
        Assert.True(File.Exists(package), $"{package} not written: {string.Join(", ", Directory.GetFiles(_output))}");
        using ZipArchive zip = ZipFile.OpenRead(package);
        string[] entries = [.. zip.Entries.Select(e => e.FullName)];
        Assert.Contains("lib/net10.0/EVC.Stream.Imaging.dll", entries);
        Assert.Contains("lib/net10.0/EVC.Stream.Imaging.xml", entries);
        Assert.Contains("README.md", entries);
        Assert.Contains("LICENSE", entries);
        using System.IO.Stream nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        XElement metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.Equal("MIT", metadata.Elements().Single(e => e.Name.LocalName == "license").Value);
        Assert.Equal("README.md", metadata.Elements().Single(e => e.Name.LocalName == "readme").Value);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Elements().Single(e => e.Name.LocalName == "description").Value));
    }

    [Fact]
    public void Every_library_is_packable_and_the_cli_packs_as_a_tool()
    {
        foreach ((string name, string csproj) in ProjectFiles.SourceProjects())
        {
            string text = File.ReadAllText(csproj);
            Assert.True(text.Contains("<Description>", StringComparison.Ordinal), $"{name}: no <Description> for its package");
            if (name == "Cli")
                Assert.Contains("<PackAsTool>true</PackAsTool>", text);
        }
    }
}
