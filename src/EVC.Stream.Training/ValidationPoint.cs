using System.Text.Json.Serialization;

namespace EVC.Stream.Training;

/// <summary>One rate anchor's validation by real coding: actual <c>.bin</c> sizes and RGB PSNR over the images.</summary>
/// <param name="Level">Scalable models: the encoder level; null for one-encoder models.</param>
/// <param name="Rate">The rate index.</param>
/// <param name="QScale">The anchor's q_scale.</param>
/// <param name="Bpp">Bits per pixel of the coded files.</param>
/// <param name="Psnr">Mean RGB PSNR in dB.</param>
/// <param name="Images">How many images were coded.</param>
public sealed record ValidationPoint(
    [property: JsonPropertyName("level"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Level,
    [property: JsonPropertyName("rate")] int Rate,
    [property: JsonPropertyName("q_scale")] double QScale,
    [property: JsonPropertyName("bpp")] double Bpp,
    [property: JsonPropertyName("psnr")] double Psnr,
    [property: JsonIgnore] int Images);
