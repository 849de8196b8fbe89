namespace EVC.Stream.Benchmarks;

/// <summary>What <see cref="PipelineBenchmark"/> runs.</summary>
public sealed record PipelineBenchmarkOptions
{
    /// <summary>Frame width of the stubbed-network runs. Default 1920.</summary>
    public int Width { get; init; } = 1920;

    /// <summary>Frame height of the stubbed-network runs. Default 1080.</summary>
    public int Height { get; init; } = 1080;

    /// <summary>Frames per stubbed-network run (0 skips them). Default 300.</summary>
    public int Frames { get; init; } = 300;

    /// <summary>Frame width of the end-to-end run with the real model. Default 128.</summary>
    public int EndToEndWidth { get; init; } = 128;

    /// <summary>Frame height of the end-to-end run. Default 96.</summary>
    public int EndToEndHeight { get; init; } = 96;

    /// <summary>Frames of the end-to-end run (0 skips it). Default 100.</summary>
    public int EndToEndFrames { get; init; } = 100;

    /// <summary>Frames of a 64x64 capture with the real model, RSS sampled every 100 frames (0 skips it, the default).</summary>
    public int RssFrames { get; init; }

    /// <summary>
    /// Frame-parallel comparison: for each count, end-to-end capture (source unpaced) and decode with that many frame
    /// workers, each on cores / count torch threads, side by side, <see cref="Repeat"/> times in turn. Empty (default):
    /// the single end-to-end run above instead.
    /// </summary>
    public IReadOnlyList<int> FrameWorkers { get; init; } = [];

    /// <summary>Rounds of the frame-parallel comparison (medians over them). Default 3.</summary>
    public int Repeat { get; init; } = 3;
}
