namespace EVC.Stream.Evaluation;

/// <summary>One rate-distortion point: rate (bpp or bit/s) and quality (dB).</summary>
public readonly record struct RdPoint(double Rate, double Quality);
