namespace EVC.Stream.Pipeline;

/// <summary>How a playback run ended.</summary>
/// <param name="Decoded">Packets decoded to frames.</param>
/// <param name="Presented">Frames handed to the sink.</param>
/// <param name="Late">Frames decoded but dropped because their successor was already due.</param>
/// <param name="Undecodable">Damaged or corrupt packets.</param>
/// <param name="Error">What stopped the run, or null.</param>
public sealed record PlaybackResult(long Decoded, long Presented, long Late, long Undecodable, Exception? Error)
{
    /// <summary>Packets skipped undecoded because they could not have been ready in time (paced playback).</summary>
    public long Skipped { get; init; }

    /// <summary>Packets read (the frames of the stream that were played; fewer after seeks).</summary>
    public long Packets { get; init; }

    /// <summary>Packets dropped because their frame number had already been decoded (duplicated packets).</summary>
    public long Duplicates { get; init; }

    /// <summary>Packets dropped because a later frame had already gone to the decoder (misplaced beyond the window).</summary>
    public long OutOfOrder { get; init; }
}
