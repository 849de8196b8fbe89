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
