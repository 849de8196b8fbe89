using EVC.Stream.Model.Checkpoints;

namespace EVC.Stream.Pipeline;

/// <summary>How a <see cref="PlaybackSession"/> loads its model and plays a stream.</summary>
public sealed record PlaybackSessionOptions : ModelSessionOptions
{
    private readonly int? _decoders;

    /// <summary>The stream's name in messages (a path, a URL, "-").</summary>
    public string Name { get; init; } = "stream";

    /// <summary>Frames decoded in parallel; null (default): <see cref="ModelSessionOptions.FrameParallelism"/> decides (set, this overrides it).</summary>
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
