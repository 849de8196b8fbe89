using EVC.Stream.Model.Checkpoints;

namespace EVC.Stream.Pipeline;

/// <summary>What capture and playback sessions share: which model to load, where it runs, with how many threads.</summary>
public abstract record ModelSessionOptions
{
    private readonly int? _threads;

    /// <summary>Official checkpoint or our safetensors; null (default): the shipped default model.</summary>
    public string? Weights { get; init; }

    /// <summary>The architecture of an official checkpoint; null (default): the stream header's when playing, EVC_SS when capturing.</summary>
    public string? Architecture { get; init; }

    /// <summary>Where the model runs. Default: CUDA when available.</summary>
    public ComputeDevice? Device { get; init; }

    /// <summary>
    /// The number format of the analysis and synthesis transforms. Default auto:
    /// bf16 on a CPU with native bfloat16, else fp32. The entropy parameters, and so the decoded symbols, do not depend on it.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Auto;

    /// <summary>libtorch CPU threads, shared out between the frame workers (<see cref="FrameParallelism"/>); null (default): every core.</summary>
    public int? Threads
    {
        get => _threads;
        init => _threads = value is null or (>= 1 and <= 1024) ? value : throw new ArgumentOutOfRangeException(nameof(Threads), value, "Threads must be 1..1024");
    }

    /// <summary>
    /// Whole frames coded at once, each worker on its share of <see cref="Threads"/>, put back in frame order before the
    /// muxer or presenter. Default <see cref="Pipeline.FrameParallelism.Auto"/>: several on the CPU for small frames, else 1.
    /// </summary>
    public FrameParallelism FrameParallelism { get; init; }
}
