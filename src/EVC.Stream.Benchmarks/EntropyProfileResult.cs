namespace EVC.Stream.Benchmarks;

/// <summary>All measurements for one latent profile.</summary>
public sealed record EntropyProfileResult(
    string Profile,
    string Latent,
    int Symbols,
    int PayloadBytes,
    double BitsPerSymbol,
    CoderSpeed Ours,
    CoderSpeed ReferencePort,
    double ParallelEncodeMsymPerSecond,
    double ParallelDecodeMsymPerSecond,
    int ParallelThreads,
    OfficialFigures? Official,
    double? EncodeRatioVsOfficial,
    double? DecodeRatioVsOfficial,
    OfficialFigures? KitReadme,
    double? EncodeRatioVsKitReadme,
    double? DecodeRatioVsKitReadme,
    double EncodeRatioVsReferencePort,
    double DecodeRatioVsReferencePort,
    bool PayloadEqualsReferencePort);
