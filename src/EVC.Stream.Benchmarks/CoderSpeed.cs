namespace EVC.Stream.Benchmarks;

/// <summary>Speed of one coder on one latent: medians over repetitions.</summary>
public sealed record CoderSpeed(double EncodeMs, double DecodeMs, double EncodeMsymPerSecond, double DecodeMsymPerSecond);
