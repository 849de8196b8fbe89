namespace EVC.Stream.Evaluation;

/// <summary>A codec's curve: per setting, the means over images (bpp, PSNRs, MS-SSIM, times).</summary>
public sealed record RdCurvePoint(string Setting, double Parameter, int Images, double Bpp, double RgbPsnr, double YuvPsnr611, double MsSsim, double MsSsimDb,
    double EncodeSeconds, double DecodeSeconds);
