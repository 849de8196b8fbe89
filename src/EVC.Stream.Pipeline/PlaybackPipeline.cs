namespace EVC.Stream.Pipeline;

/// <summary>
/// Demux → decode (entropy decoding interleaved with the networks, as the dual spatial prior requires: pass 1's
/// distributions come from the network run on pass 0's symbols) → conversion → presentation, on bounded channels.
/// Paced playback chooses by the clock which packets to decode (<see cref="PlaybackScheduler"/>): a packet that
/// cannot be ready in time is skipped before decoding, and several decoders work in parallel, presented in order.
/// Damaged or undecodable packets are skipped and counted. A sink with keys (<see cref="IPlayerControls"/>) can pause,
/// seek through the index and quit.
/// </summary>
internal static class PlaybackPipeline
{
    /// <summary>Stage names, in order; the last is file-to-presentation latency.</summary>
    public static readonly string[] StageNames = ["demux", "decode", "convert", "present", "file→screen"];

    /// <summary>The stage of glass-to-glass latency (sender's capture to presentation) for streams received over a network.</summary>
    public const string GlassToGlassStage = "capture→screen";

    /// <summary>Plays every packet of <paramref name="reader"/> into <paramref name="sink"/>; the caller completes the sink.</summary>
    public static async Task<PlaybackResult> RunAsync(EvcsReader reader, ImageCodec codec, IFrameSink sink, PlaybackOptions options, PipelineStats stats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Decoders, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReadAhead, 1);
        using var session = new PlaybackRun(reader, codec, sink, options, stats, cancellationToken);
        return await session.RunAsync().ConfigureAwait(false);
    }
}
