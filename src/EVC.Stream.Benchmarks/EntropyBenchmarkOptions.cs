namespace EVC.Stream.Benchmarks;

/// <summary>What <see cref="EntropyBenchmark"/> measures.</summary>
public sealed record EntropyBenchmarkOptions
{
    /// <summary>Frame width of the latent (a multiple of 64). Default 1920.</summary>
    public int Width { get; init; } = 1920;

    /// <summary>Frame height of the latent (a multiple of 64). Default 1088 (1080p padded).</summary>
    public int Height { get; init; } = 1088;

    /// <summary>Timed repetitions per measurement; medians are reported. Default 15.</summary>
    public int Repeat { get; init; } = 15;

    /// <summary>Threads of the parallel measurement (independent frames). Default: all cores.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>The reference kit; null to look for it (<see cref="ReferenceKit.Find"/>); without one a synthetic latent is coded.</summary>
    public string? Kit { get; init; }

    /// <summary>A folder to write each profile's coded payload to (<c>&lt;case&gt;_&lt;W&gt;x&lt;H&gt;.stream</c>); null for none.</summary>
    public string? SavePayloads { get; init; }

    /// <summary>JSON with the official C++ coder's figures from a side-by-side run, replacing the built-in ones; null for those.</summary>
    public string? OfficialFile { get; init; }
}
