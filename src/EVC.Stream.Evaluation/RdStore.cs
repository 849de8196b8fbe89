using System.Text.Json;
using System.Text.Json.Serialization;

namespace EVC.Stream.Evaluation;

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
