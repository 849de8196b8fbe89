namespace EVC.Stream.Benchmarks;

/// <summary>Median seconds per compress and decompress, and the official PyTorch figures for the same setting when the kit has them.</summary>
public sealed record ModelBenchmarkResult(double CompressSeconds, double DecompressSeconds, double? OfficialCompressSeconds, double? OfficialDecompressSeconds);
