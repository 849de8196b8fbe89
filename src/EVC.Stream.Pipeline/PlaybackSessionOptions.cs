using EVC.Stream.Model.Checkpoints;

namespace EVC.Stream.Pipeline;

/// <summary>How a <see cref="PlaybackSession"/> loads its model and plays a stream.</summary>
public sealed record PlaybackSessionOptions
{
    private readonly int? _threads;
    private readonly int? _decoders;

    /// <summary>The stream's name in messages (a path, a URL, "-").</summary>
    public string Name { get; init; } = "stream";

    /// <summary>The weights the stream was coded with; null (default): the shipped default model.</summary>
    public string? Weights { get; init; }

    /// <summary>The architecture of an official checkpoint; null (default): the stream header's.</summary>
    public string? Architecture { get; init; }

    /// <summary>Where the model runs. Default: CUDA when available.</summary>
    public ComputeDevice? Device { get; init; }

    /// <summary>libtorch CPU threads, shared out between the decoders; null (default): every core.</summary>
    public int? Threads
    {
        get => _threads;
        init => _threads = value is null or (>= 1 and <= 1024) ? value : throw new ArgumentOutOfRangeException(nameof(Threads), value, "Threads must be 1..1024");
    }

    /// <summary>Frames decoded in parallel; null (default): one per core up to 4 on CPU, 1 on CUDA.</summary>
    public int? Decoders
    {
        get => _decoders;
        init => _decoders = value is null or (>= 1 and <= 64) ? value : throw new ArgumentOutOfRangeException(nameof(Decoders), value, "Decoders must be 1..64");
    }

    /// <summary>Present at the pace of the timestamps (a player); false (default): every frame at full speed.</summary>
    public bool Pace { get; init; }

    /// <summary>Draw the frame number, fps, latency and bitrate into each presented frame.</summary>
    public bool Overlay { get; init; }

    /// <summary>For streams received over a network: the sender's capture time of a frame number (see <see cref="PlaybackOptions.CaptureTime"/>).</summary>
    public Func<long, long>? CaptureTime { get; init; }
}
