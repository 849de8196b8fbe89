namespace EVC.Stream.Evaluation;

/// <summary>BD-rate of one codec against the anchor, or why there is none.</summary>
public sealed record BdEntry(string Codec, double? BdRateRgbPsnr, double? BdPsnr, double? BdRateMsSsim, string? Note);
