using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EVC.Stream.Evaluation;

/// <summary>One coded image: which codec and setting, its real size, its quality and how long it took.</summary>
public sealed record RdRecord(
    string Image, int Width, int Height, string Codec, string Setting, double Parameter, long Bytes, double Bpp,
    double RgbPsnr, double YuvPsnrY, double YuvPsnrU, double YuvPsnrV, double YuvPsnr611, double MsSsim,
    double EncodeSeconds, double DecodeSeconds)
{
    /// <summary>The key a resumed run skips by.</summary>
    [JsonIgnore]
    public string Key => $"{Image}|{Codec}|{Setting}";
}

/// <summary>A codec's curve: per setting, the means over images (bpp, PSNRs, MS-SSIM, times).</summary>
public sealed record RdCurvePoint(string Setting, double Parameter, int Images, double Bpp, double RgbPsnr, double YuvPsnr611, double MsSsim, double MsSsimDb,
    double EncodeSeconds, double DecodeSeconds);

/// <summary>
/// Results of an RD run, stored one JSON line per coded image (<c>results.jsonl</c>) as they are produced, so an
/// interrupted run keeps what it finished and a rerun skips it.
/// </summary>
public sealed class RdStore
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,  // MS-SSIM is NaN below 161 px
    };
    private readonly string _path;
    private readonly Dictionary<string, RdRecord> _records = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Opens (or starts) the store at <paramref name="path"/>; a torn last line (interrupted write) is ignored.</summary>
    public RdStore(string path)
    {
        _path = path;
        if (!File.Exists(path))
            return;
        foreach (string line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            try
            {
                RdRecord? record = JsonSerializer.Deserialize<RdRecord>(line, s_json);
                if (record is not null)
                    _records[record.Key] = record;
            }
            catch (JsonException)
            {
                // the line being written when the run was killed
            }
        }
    }

    /// <summary>Records loaded or added.</summary>
    public IReadOnlyCollection<RdRecord> Records
    {
        get
        {
            lock (_lock)
                return [.. _records.Values];
        }
    }

    /// <summary>Whether this image/codec/setting is done.</summary>
    public bool Contains(string image, string codec, string setting)
    {
        lock (_lock)
            return _records.ContainsKey($"{image}|{codec}|{setting}");
    }

    /// <summary>Adds a record and appends it to the file at once.</summary>
    public void Add(RdRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        string line = JsonSerializer.Serialize(record, s_json) + "\n";
        lock (_lock)
        {
            _records[record.Key] = record;
            File.AppendAllText(_path, line);
        }
    }

    /// <summary>Rewrites the file with one line per record (a resumed run may have appended duplicates), in a stable order.</summary>
    public void Compact()
    {
        lock (_lock)
        {
            string temporary = _path + ".partial";
            File.WriteAllLines(temporary, _records.Values.OrderBy(r => r.Image, StringComparer.Ordinal).ThenBy(r => r.Codec, StringComparer.Ordinal)
                .ThenBy(r => r.Parameter).Select(r => JsonSerializer.Serialize(r, s_json)));
            File.Move(temporary, _path, overwrite: true);
        }
    }

    /// <summary>The curve of each codec (settings in the order of the codec's sweep, only those done on every image).</summary>
    public static Dictionary<string, List<RdCurvePoint>> Curves(IEnumerable<RdRecord> records, IReadOnlyCollection<string> images)
    {
        var curves = new Dictionary<string, List<RdCurvePoint>>(StringComparer.Ordinal);
        foreach (var codec in records.GroupBy(r => r.Codec))
        {
            var points = new List<RdCurvePoint>();
            foreach (var setting in codec.GroupBy(r => r.Setting))
            {
                var rows = setting.Where(r => images.Contains(r.Image)).ToList();
                if (rows.Count != images.Count)
                    continue;  // a setting not finished on every image would bias the mean
                double msssim = rows.Average(r => r.MsSsim);
                points.Add(new RdCurvePoint(setting.Key, rows[0].Parameter, rows.Count, rows.Average(r => r.Bpp), rows.Average(r => r.RgbPsnr),
                    rows.Average(r => r.YuvPsnr611), msssim, -10 * Math.Log10(Math.Max(1 - msssim, 1e-12)), rows.Average(r => r.EncodeSeconds), rows.Average(r => r.DecodeSeconds)));
            }
            curves[codec.Key] = [.. points.OrderBy(p => p.Bpp)];
        }
        return curves;
    }
}

/// <summary>BD-rate of one codec against the anchor, or why there is none.</summary>
public sealed record BdEntry(string Codec, double? BdRateRgbPsnr, double? BdPsnr, double? BdRateMsSsim, string? Note);

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
