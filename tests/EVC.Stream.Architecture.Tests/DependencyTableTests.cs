using System.Text.RegularExpressions;
using EVC.Stream.Tests.Shared;

namespace EVC.Stream.Architecture.Tests;

/// <summary><c>docs/architecture.md</c>'s project table says exactly what the <c>.csproj</c> files say.</summary>
public sealed partial class DependencyTableTests
{
    [Fact]
    public void Every_project_has_one_row_and_the_row_lists_its_project_and_package_references()
    {
        Dictionary<string, (string[] Projects, string[] Packages)> rows = ReadTable();
        IReadOnlyDictionary<string, string> projects = ProjectFiles.SourceProjects();

        Assert.Equal(projects.Keys.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach ((string name, string csproj) in projects)
        {
            Assert.True(ProjectFiles.ProjectReferences(csproj).SetEquals(rows[name].Projects),
                $"{name}: docs/architecture.md lists projects [{string.Join(", ", rows[name].Projects)}], {Path.GetFileName(csproj)} references [{string.Join(", ", ProjectFiles.ProjectReferences(csproj))}]");
            Assert.True(ProjectFiles.PackageReferences(csproj).SetEquals(rows[name].Packages),
                $"{name}: docs/architecture.md lists packages [{string.Join(", ", rows[name].Packages)}], {Path.GetFileName(csproj)} references [{string.Join(", ", ProjectFiles.PackageReferences(csproj))}]");
        }
    }

    [Fact]
    public void Libraries_that_need_no_torch_do_not_reach_it_through_their_references()
    {
        IReadOnlyDictionary<string, string> projects = ProjectFiles.SourceProjects();
        string[] torchFree = ["Entropy", "Safetensors", "Imaging", "Container", "Transport", "Media", "Evaluation"];
        foreach (string name in torchFree)
        {
            var reached = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>([name]);
            while (pending.TryPop(out string? next))
            {
                if (!reached.Add(next))
                    continue;
                Assert.DoesNotContain(ProjectFiles.PackageReferences(projects[next]), p => p.StartsWith("TorchSharp", StringComparison.Ordinal));
                foreach (string reference in ProjectFiles.ProjectReferences(projects[next]))
                    pending.Push(reference);
            }
            Assert.DoesNotContain("Model", reached);
        }
    }

    /// <summary>Rows <c>| `EVC.Stream.X` | owns | project references | packages |</c>; "—" for none.</summary>
    private static Dictionary<string, (string[] Projects, string[] Packages)> ReadTable()
    {
        string text = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "docs", "architecture.md"));
        var rows = new Dictionary<string, (string[], string[])>(StringComparer.Ordinal);
        foreach (Match row in TableRow().Matches(text))
            rows.Add(ProjectFiles.ShortName(row.Groups["project"].Value), (List(row.Groups["projects"].Value), List(row.Groups["packages"].Value)));
        Assert.NotEmpty(rows);
        return rows;
    }

    private static string[] List(string cell) =>
        cell.Trim() is "—" or "" ? [] : [.. cell.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim('`'))];

    [GeneratedRegex(@"^\| `(?<project>EVC\.Stream\.[A-Za-z]+)`[^|]*\|[^|]*\|(?<projects>[^|]*)\|(?<packages>[^|]*)\|\s*$", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
