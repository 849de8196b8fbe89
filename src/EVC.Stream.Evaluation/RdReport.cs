using System.Globalization;
using System.Text;

namespace EVC.Stream.Evaluation;

/// <summary>The markdown and JSON summaries of an RD run.</summary>
public static class RdReport
{
    /// <summary>BD-rate (RGB PSNR and MS-SSIM) and BD-PSNR of every codec against <paramref name="anchor"/>.</summary>
    public static List<BdEntry> BdTable(Dictionary<string, List<RdCurvePoint>> curves, string anchor)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var table = new List<BdEntry>();
        if (!curves.TryGetValue(anchor, out List<RdCurvePoint>? reference))
            throw new ArgumentException($"the anchor {anchor} has no results (run it with --codecs, or choose another --anchor)");
        foreach ((string codec, List<RdCurvePoint> points) in curves.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (codec == anchor)
                continue;
            try
            {
                double rate = BjontegaardDelta.BdRate(Psnr(reference), Psnr(points));
                double psnr = BjontegaardDelta.BdQuality(Psnr(reference), Psnr(points));
                double? msssim = null;
                string? note = null;
                try
                {
                    if (reference.Concat(points).Any(p => !double.IsFinite(p.MsSsimDb)))
                        throw new ArgumentException("not computed (MS-SSIM needs images above 160 px)");
                    msssim = BjontegaardDelta.BdRate(MsSsim(reference), MsSsim(points));
                }
                catch (ArgumentException e)
                {
                    note = "MS-SSIM: " + e.Message;
                }
                table.Add(new BdEntry(codec, rate, psnr, msssim, note));
            }
            catch (ArgumentException e)
            {
                table.Add(new BdEntry(codec, null, null, null, e.Message));
            }
        }
        return table;
    }

    private static RdPoint[] Psnr(List<RdCurvePoint> points) => [.. points.Select(p => new RdPoint(p.Bpp, p.RgbPsnr))];

    private static RdPoint[] MsSsim(List<RdCurvePoint> points) => [.. points.Select(p => new RdPoint(p.Bpp, p.MsSsimDb))];

    /// <summary>A markdown page: BD table and every curve's points.</summary>
    public static string Markdown(string title, Dictionary<string, List<RdCurvePoint>> curves, List<BdEntry> bd, string anchor, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(curves);
        ArgumentNullException.ThrowIfNull(bd);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"## {title}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"BD-rate against **{Label(labels, anchor)}** (piecewise cubic, over the overlapping range; negative = fewer bits for the same quality).\n\n");
        text.Append("| codec | BD-rate (RGB PSNR) | BD-PSNR | BD-rate (MS-SSIM dB) | note |\n|---|---|---|---|---|\n");
        foreach (BdEntry e in bd)
            text.Append(CultureInfo.InvariantCulture, $"| {Label(labels, e.Codec)} | {Percent(e.BdRateRgbPsnr)} | {(e.BdPsnr is double p ? $"{p:+0.00;-0.00} dB" : "—")} | {Percent(e.BdRateMsSsim)} | {e.Note ?? ""} |\n");
        text.Append("\n| codec | setting | bpp | RGB PSNR (dB) | YUV PSNR 6:1:1 (dB) | MS-SSIM | encode s | decode s |\n|---|---|---|---|---|---|---|---|\n");
        foreach ((string codec, List<RdCurvePoint> points) in curves.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            foreach (RdCurvePoint p in points)
                text.Append(CultureInfo.InvariantCulture, $"| {Label(labels, codec)} | {p.Setting} | {p.Bpp:F4} | {p.RgbPsnr:F3} | {p.YuvPsnr611:F3} | {p.MsSsim:F5} | {p.EncodeSeconds:F3} | {p.DecodeSeconds:F3} |\n");
        }
        return text.ToString();
    }

    private static string Label(IReadOnlyDictionary<string, string> labels, string codec) => labels.TryGetValue(codec, out string? label) ? label : codec;

    private static string Percent(double? value) => value is double v ? string.Create(CultureInfo.InvariantCulture, $"{v:+0.0;-0.0} %") : "—";
}
