using System.Text.Json;
using EVC.Stream.Evaluation;

namespace EVC.Stream.Benchmarks;

/// <summary>The EVC paper's published Kodak curves (<c>published-rd.json</c> beside the reference kit), drawn for reference on a Kodak RD run.</summary>
public static class PublishedEvcCurves
{
    /// <summary>The line closing <c>results.md</c> when they are drawn.</summary>
    public const string Note = "Published EVC points (paper, Kodak) are drawn as dashed triangles for reference; they come from the released, fully trained models.";

    /// <summary>Whether a run is on all of Kodak (a folder named kodak with 24 images), where the published curves apply.</summary>
    public static bool AppliesTo(string dataset, int images) => dataset.Equals("kodak", StringComparison.OrdinalIgnoreCase) && images == 24;

    /// <summary>The published curves; none when the kit or the file is not found.</summary>
    public static List<RdReferenceCurve> Load()
    {
        string? kit = ReferenceKit.Find(null);
        string path = kit is null ? "" : Path.GetFullPath(Path.Combine(kit, "..", "published-rd.json"));
        if (!File.Exists(path))
            return [];
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        var curves = new List<RdReferenceCurve>();
        foreach (JsonProperty curve in document.RootElement.GetProperty("curves").EnumerateObject())
        {
            double[] bpp = [.. curve.Value.GetProperty("bpp").EnumerateArray().Select(v => v.GetDouble())];
            double[] psnr = [.. curve.Value.GetProperty("PSNR").EnumerateArray().Select(v => v.GetDouble())];
            curves.Add(new RdReferenceCurve($"EVC paper {curve.Name} (published)", bpp, psnr));
        }
        return curves;
    }
}
