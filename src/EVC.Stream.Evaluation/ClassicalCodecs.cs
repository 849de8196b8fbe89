using System.Globalization;

namespace EVC.Stream.Evaluation;

/// <summary>The classical codecs <c>bench rd</c> compares against (all in Debian's FFmpeg 5.1).</summary>
public static class ClassicalCodecs
{
    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every codec, by name.</summary>
    public static readonly ClassicalCodec[] All =
    [
        new("jpeg", "JPEG (mjpeg, 4:4:4)", "jpg", "q:v", [2, 3, 5, 8, 12, 18, 25, 31],
            q => $"-c:v mjpeg -pix_fmt yuvj444p -q:v {F(q)}"),
        new("webp", "WebP (libwebp, 4:2:0)", "webp", "quality", [95, 85, 70, 55, 40, 25, 12, 4],
            q => $"-c:v libwebp -quality {F(q)} -compression_level 6"),
        new("jxl", "JPEG XL (libjxl)", "jxl", "distance", [0.5, 0.8, 1.2, 1.8, 2.6, 3.8, 5.5, 8],
            d => $"-c:v libjxl -distance {F(d)}"),
        new("x264", "H.264 intra (x264, 4:4:4)", "264", "crf", [18, 23, 28, 33, 38, 43, 48],
            c => $"-c:v libx264 -preset medium -crf {F(c)} -pix_fmt yuv444p -x264-params keyint=1 -f h264"),
        new("x265", "HEVC intra (x265, 4:4:4)", "265", "crf", [18, 23, 28, 33, 38, 43, 48],
            c => $"-c:v libx265 -preset medium -crf {F(c)} -pix_fmt yuv444p -x265-params keyint=1:log-level=error -f hevc"),
        new("aom-av1", "AV1 intra (libaom, 4:4:4)", "obu", "crf", [16, 24, 32, 40, 46, 52, 58, 63],
            c => $"-c:v libaom-av1 -crf {F(c)} -b:v 0 -cpu-used 6 -still-picture 1 -pix_fmt yuv444p -f obu"),
        new("svt-av1", "AV1 intra (SVT-AV1, 4:2:0)", "obu", "crf", [16, 24, 32, 40, 46, 52, 58, 63],
            c => $"-c:v libsvtav1 -crf {F(c)} -preset 8 -pix_fmt yuv420p -f obu"),
    ];

    /// <summary>The codec named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static ClassicalCodec Get(string name) =>
        Array.Find(All, c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown codec {name}: choose from {string.Join(", ", All.Select(c => c.Name))}");
}
