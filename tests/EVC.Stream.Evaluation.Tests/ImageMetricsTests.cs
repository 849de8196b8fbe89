using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EVC.Stream.Media;
using EVC.Stream.Tests.Shared;
using EVC.Stream.Imaging;

namespace EVC.Stream.Evaluation.Tests;

/// <summary>Our metrics against FFmpeg's own <c>psnr</c> and <c>ssim</c> filters on the same image pair.</summary>
public sealed partial class ImageMetricsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-metrics-").FullName;
    private readonly string _original = Path.Combine(TestPaths.Kit, "inputs", "kodim23.png");
    private readonly string _degraded;

    public ImageMetricsTests()
    {
        _degraded = Path.Combine(_directory, "degraded.png");
        Ffmpeg($"-y -i \"{_original}\" -c:v mjpeg -q:v 12 \"{Path.Combine(_directory, "d.jpg")}\"");
        Ffmpeg($"-y -i \"{Path.Combine(_directory, "d.jpg")}\" -pix_fmt rgb24 \"{_degraded}\"");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Rgb_psnr_equals_ffmpegs_psnr_filter()
    {
        string log = Ffmpeg($"-i \"{_degraded}\" -i \"{_original}\" -lavfi \"[0:v]format=rgb24[a];[1:v]format=rgb24[b];[a][b]psnr\" -f null -");
        double ffmpeg = Value(log, @"PSNR r:[\d.]+ g:[\d.]+ b:[\d.]+ average:([\d.]+)");
        Assert.Equal(ffmpeg, PlanarImage.Psnr(PlanarImage.LoadRgb24(_original), PlanarImage.LoadRgb24(_degraded)), 4);
    }

    [Fact]
    public void Bt709_psnr_agrees_with_ffmpegs_psnr_filter_on_bt709_yuv444()
    {
        string log = Ffmpeg($"-i \"{_degraded}\" -i \"{_original}\" -lavfi \"[0:v]scale=out_color_matrix=bt709:out_range=full,format=yuv444p[a];[1:v]scale=out_color_matrix=bt709:out_range=full,format=yuv444p[b];[a][b]psnr\" -f null -");
        YuvPsnr ours = ImageMetrics.Bt709Psnr(PlanarImage.LoadRgb24(_original), PlanarImage.LoadRgb24(_degraded));
        // FFmpeg rounds Y'CbCr to 8 bits before comparing; we compare the exact transform: a few hundredths of a dB apart.
        Assert.InRange(Math.Abs(Value(log, @"PSNR y:([\d.]+)") - ours.Y), 0, 0.15);
        Assert.InRange(Math.Abs(Value(log, @" u:([\d.]+)") - ours.U), 0, 0.3);
        Assert.InRange(Math.Abs(Value(log, @" v:([\d.]+)") - ours.V), 0, 0.3);
    }

    [Fact]
    public void Ssim_agrees_with_ffmpegs_ssim_filter_and_ms_ssim_behaves()
    {
        byte[] original = PlanarImage.LoadRgb24(_original), degraded = PlanarImage.LoadRgb24(_degraded);
        string log = Ffmpeg($"-i \"{_degraded}\" -i \"{_original}\" -lavfi \"[0:v]format=rgb24[a];[1:v]format=rgb24[b];[a][b]ssim\" -f null -");
        string[] channels = ["R", "G", "B"];
        for (int c = 0; c < 3; c++)
        {
            double ours = ImageMetrics.Ssim(ImageMetrics.Plane(original, c, 768, 512), ImageMetrics.Plane(degraded, c, 768, 512), 768, 512);
            double ffmpeg = Value(log, $@"SSIM.* {channels[c]}:([\d.]+)");
            // FFmpeg's SSIM uses 8x8 windows on a 4x4 grid, ours (as MS-SSIM requires) an 11x11 Gaussian: close, not equal.
            Assert.InRange(Math.Abs(ours - ffmpeg), 0, 0.015);
        }
        Assert.Equal(1.0, ImageMetrics.MsSsim(original, original, 768, 512), 12);
        double msssim = ImageMetrics.MsSsim(original, degraded, 768, 512);
        Assert.InRange(msssim, 0.9, 0.9999);
        Assert.Throws<ArgumentException>(() => ImageMetrics.MsSsim(new byte[3 * 100 * 100], new byte[3 * 100 * 100], 100, 100));
    }

    private static double Value(string log, string pattern)
    {
        Match match = Regex.Match(log, pattern);
        Assert.True(match.Success, $"no {pattern} in FFmpeg's output: {log}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string Ffmpeg(string arguments) => Media.Video.FFmpegProcess.RunWithLog("-hide_banner " + arguments).Log;
}
