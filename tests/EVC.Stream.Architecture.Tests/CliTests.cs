using EVC.Stream.Tests.Shared;

namespace EVC.Stream.Architecture.Tests;

/// <summary>The CLI maps options to library calls and renders results: tensors and models stay in the libraries.</summary>
public sealed class CliTests
{
    private static readonly string s_cli = Path.Combine(TestPaths.RepositoryRoot, "src", "EVC.Stream.Cli");

    [Fact]
    public void The_cli_project_references_no_torch_package()
    {
        string csproj = Path.Combine(s_cli, "EVC.Stream.Cli.csproj");
        Assert.DoesNotContain(ProjectFiles.PackageReferences(csproj), p => p.StartsWith("TorchSharp", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void No_cli_source_file_uses_torch()
    {
        string[] offenders = [.. Directory.EnumerateFiles(s_cli, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadLines(f).Any(line => line.StartsWith("using TorchSharp", StringComparison.Ordinal) || line.StartsWith("using static TorchSharp", StringComparison.Ordinal)
                || line.Contains("torch.", StringComparison.Ordinal) || line.Contains("Tensor ", StringComparison.Ordinal) || line.Contains(".Anchor(", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(s_cli, f))];
        Assert.True(offenders.Length == 0, "torch in the CLI: " + string.Join(", ", offenders));
    }
}
