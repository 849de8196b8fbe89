using System.Diagnostics;
using System.Globalization;
using EVC.Stream.Media.Video;

namespace EVC.Stream.Evaluation;

/// <summary>
/// A classical image codec run through FFmpeg: one encode of a PNG to the codec's raw bitstream (no container, so the
/// file size is the coded size), one decode back to rgb24. <see cref="Settings"/> is its quality sweep, from high
/// quality to low, chosen to cover EVC's rates (about 0.1–1.5 bpp on Kodak).
/// </summary>
public sealed record ClassicalCodec(string Name, string Label, string Extension, string SettingName, double[] Settings, Func<double, string> EncoderArguments) : IRdCodec
{
    /// <summary>Each of <see cref="Settings"/>, named as the results store it (<c>crf 28</c>).</summary>
    public IReadOnlyList<RdSetting> Sweep => [.. Settings.Select(s => new RdSetting($"{SettingName} {s.ToString(CultureInfo.InvariantCulture)}", s))];

    /// <summary>True: each coding is an FFmpeg process of its own.</summary>
    public bool CodesInParallel => true;

    /// <summary>Encodes the image's PNG to a raw bitstream in <paramref name="workFolder"/>, measures its size, decodes it and deletes it.</summary>
    public RdCoding Code(RdImage image, RdSetting setting, string workFolder)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(setting);
        string file = Path.Combine(workFolder, $"{Path.GetFileNameWithoutExtension(image.Path)}.{Name}.{setting.Parameter.ToString(CultureInfo.InvariantCulture)}.{Extension}");
        double encode = Encode(image.Path, file, setting.Parameter);
        long bytes = new FileInfo(file).Length;
        (byte[] rgb, double decode) = Decode(file);
        File.Delete(file);
        return new RdCoding(bytes, rgb, encode, decode);
    }

    /// <summary>Encodes <paramref name="png"/> at <paramref name="setting"/> into <paramref name="output"/>; returns the seconds it took.</summary>
    public double Encode(string png, string output, double setting)
    {
        long start = Stopwatch.GetTimestamp();
        FFmpegProcess.Run($"-v error -y -i \"{png}\" -frames:v 1 {EncoderArguments(setting)} \"{output}\"");
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>Decodes a bitstream to rgb24 (width·height·3 bytes); returns the pixels and the seconds it took.</summary>
    public static (byte[] Rgb, double Seconds) Decode(string path)
    {
        long start = Stopwatch.GetTimestamp();
        byte[] rgb = FFmpegProcess.Run($"-v error -i \"{path}\" -frames:v 1 -f rawvideo -pix_fmt rgb24 -");
        return (rgb, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }
}
