namespace EVC.Stream.Benchmarks;

/// <summary>One rate anchor in both stream modes: mean bpp (whole <c>.bin</c>), mean RGB PSNR and mean times over the images.</summary>
public sealed record ModesAnchorResult(int RateIndex, double QScale, double OfficialBpp, double DeterministicBpp, double BitrateIncreasePercent,
    double OfficialPsnr, double DeterministicPsnr, double OfficialEncodeSeconds, double DeterministicEncodeSeconds,
    double OfficialDecodeSeconds, double DeterministicDecodeSeconds);
