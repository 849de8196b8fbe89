namespace EVC.Stream.Pipeline;

/// <summary>How a capture run codes its frames. Every value is checked when it is set: a bad one throws there, naming the option, not mid-stream.</summary>
internal sealed record CaptureOptions
{
    private readonly int _batchSize = 1;
    private readonly int _frameWorkers = 1;
    private readonly int _entropyWorkers = Math.Max(1, Environment.ProcessorCount - 1);
    private readonly int _captureQueue = 4;
    private readonly RateController _rate = new(1.0);
    private readonly int _encoderLevel = -1;
    private readonly TimeSpan _extraModelDelay;

    /// <summary>Frames per network pass (GPU: larger batches; CPU: 1).</summary>
    public int BatchSize
    {
        get => _batchSize;
        init => _batchSize = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be at least 1");
    }

    /// <summary>
    /// Model workers, each taking whole batches from the capture queue and running the networks on them at once (on
    /// the CPU each gets its share of the torch threads); the muxer puts the frames back in capture order. Default 1.
    /// </summary>
    public int FrameWorkers
    {
        get => _frameWorkers;
        init => _frameWorkers = value is >= 1 and <= FrameParallelism.MaxWorkers ? value : throw new ArgumentOutOfRangeException(nameof(FrameWorkers), value, $"FrameWorkers must be 1..{FrameParallelism.MaxWorkers}");
    }

    /// <summary>
    /// Frames numbered but not yet written: a worker takes a place for each frame it numbers and the muxer frees it when
    /// the frame is written, so a slow frame holds back at most this many behind it (the muxer's reorder window).
    /// </summary>
    internal int ReorderWindow => 2 * FrameWorkers * BatchSize + EntropyWorkers;

    /// <summary>Parallel entropy coders (CPU threads).</summary>
    public int EntropyWorkers
    {
        get => _entropyWorkers;
        init => _entropyWorkers = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(EntropyWorkers), value, "EntropyWorkers must be at least 1");
    }

    /// <summary>Frames waiting between the source and the model; a live source drops the oldest beyond this.</summary>
    public int CaptureQueue
    {
        get => _captureQueue;
        init => _captureQueue = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(CaptureQueue), value, "CaptureQueue must be at least 1");
    }

    /// <summary>q_scale per frame (fixed, or adapted to a target bitrate).</summary>
    public RateController Rate
    {
        get => _rate;
        init => _rate = value is not null ? value : throw new ArgumentNullException(nameof(Rate));
    }

    /// <summary>Scalable-encoder level (−1: highest).</summary>
    public int EncoderLevel
    {
        get => _encoderLevel;
        init => _encoderLevel = value >= -1 ? value : throw new ArgumentOutOfRangeException(nameof(EncoderLevel), value, "EncoderLevel must be -1 (highest) or a level");
    }

    /// <summary>
    /// Scalable-encoder models: start at the highest level and step down one level whenever frames back up in the capture
    /// queue (the encoder falls behind), before the drop policy has to act; step back up after a calm second.
    /// </summary>
    public bool AutoEncoderLevel { get; init; }

    /// <summary>Extra time spent per network pass: simulates a slower device (tests of the drop policy).</summary>
    public TimeSpan ExtraModelDelay
    {
        get => _extraModelDelay;
        init => _extraModelDelay = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(ExtraModelDelay), value, "ExtraModelDelay must not be negative");
    }

    /// <summary>
    /// Benchmarks only: replaces the networks (given the batch size, returns that many frames' symbols) to measure
    /// everything else at sizes the CPU cannot run the model at. The input tensor is still built.
    /// </summary>
    internal Func<int, ImageCodec.FrameSymbols[]>? NetworkStub { get; init; }
}
