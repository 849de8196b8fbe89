namespace EVC.Stream.Benchmarks;

/// <summary>The speeds through memory and through a file, and whether the process was pinned to one core while measuring.</summary>
public sealed record ContainerBenchmarkResult(ContainerMediumResult[] Media, bool Pinned);
