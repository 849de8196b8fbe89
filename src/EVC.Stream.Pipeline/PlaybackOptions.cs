namespace EVC.Stream.Pipeline;

/// <summary>How frames are presented.</summary>
internal sealed record PlaybackOptions
{
    /// <summary>
    /// Present at the pace of the timestamps, choosing by the clock which packets to decode (a player); false: every
    /// frame, as fast as possible (a converter, and any file output).
    /// </summary>
    public bool Pace { get; init; }

    /// <summary>Packets read ahead of the decoders.</summary>
    public int ReadAhead { get; init; } = 8;

    /// <summary>
    /// Packets held to put misplaced ones back in frame order when not pacing (<see cref="EvcsOrderedReader"/>). A paced
    /// player presents in arrival order: a packet behind a frame already shown would be late anyway. Either way a frame
    /// number is presented at most once.
    /// </summary>
    public int ReorderWindow { get; init; } = EvcsOrderedReader.DefaultWindow;

    /// <summary>
    /// For streams received over a network: the sender's capture time of a frame number (µs since the Unix epoch, 0
    /// unknown). When set, each presented frame records its capture→present latency in the stage named
    /// <see cref="PlaybackPipeline.GlassToGlassStage"/> (which the statistics must include).
    /// </summary>
    public Func<long, long>? CaptureTime { get; init; }

    /// <summary>
    /// Frames decoded at once, each on its own thread, presented in order (default 1). Decoding only reads the model,
    /// so the decoders share one <see cref="Model.Codec.ImageCodec"/>; give each fewer torch threads
    /// (<c>torch.set_num_threads</c> is process-wide) so they do not compete for the same cores.
    /// </summary>
    public int Decoders { get; init; } = 1;

    /// <summary>Draw the frame number, fps, latency and bitrate into each presented frame.</summary>
    public bool Overlay { get; init; }

    /// <summary>How far ← and → seek in a window with keys.</summary>
    public TimeSpan SeekStep { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The playback clock (tests give a fake one). Default: the system clock.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// Benchmarks only: replaces the decoder's networks; given a packet it entropy-decodes what it needs and returns the
    /// padded planar reconstruction (3 × coded height × coded width floats). Called from every decoder thread.
    /// </summary>
    public Func<EvcsPacket, float[]>? NetworkStub { get; init; }
}
