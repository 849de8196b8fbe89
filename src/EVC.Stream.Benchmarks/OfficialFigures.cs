namespace EVC.Stream.Benchmarks;

/// <summary>Figures of the official C++ coder to compare against, and where they come from.</summary>
public sealed record OfficialFigures(double EncodeMsymPerSecond, double DecodeMsymPerSecond, string Source);
