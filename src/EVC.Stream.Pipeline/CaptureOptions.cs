using EVC.Stream.Model.Codec;

namespace EVC.Stream.Pipeline;

/// <summary>How a capture run codes its frames.</summary>
public sealed record CaptureOptions
{
    /// <summary>Frames per network pass (GPU: larger batches; CPU: 1).</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Parallel entropy coders (CPU threads).</summary>
    public int EntropyWorkers { get; init; } = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>Frames waiting between the source and the model; a live source drops the oldest beyond this.</summary>
    public int CaptureQueue { get; init; } = 4;

    /// <summary>q_scale per frame (fixed, or adapted to a target bitrate).</summary>
    public RateController Rate { get; init; } = new(1.0);

    /// <summary>Scalable-encoder level (−1: highest).</summary>
    public int EncoderLevel { get; init; } = -1;

    /// <summary>
    /// Scalable-encoder models: start at the highest level and step down one level whenever frames back up in the capture
    /// queue (the encoder falls behind), before the drop policy has to act; step back up after a calm second.
    /// </summary>
    public bool AutoEncoderLevel { get; init; }

    /// <summary>Extra time spent per network pass: simulates a slower device (tests of the drop policy).</summary>
    public TimeSpan ExtraModelDelay { get; init; }

    /// <summary>
    /// Benchmarks only: replaces the networks (given the batch size, returns that many frames' symbols) to measure
    /// everything else at sizes the CPU cannot run the model at. The input tensor is still built.
    /// </summary>
    public Func<int, ImageCodec.FrameSymbols[]>? NetworkStub { get; init; }
}
