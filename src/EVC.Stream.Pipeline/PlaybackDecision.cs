namespace EVC.Stream.Pipeline;

/// <summary>What the player does with a packet before decoding it.</summary>
internal enum PlaybackDecision
{
    /// <summary>Decode it: it can be ready by its presentation time.</summary>
    Decode,

    /// <summary>Skip it undecoded: it could only be shown late (every frame is intra-coded, so nothing depends on it).</summary>
    Skip,
}
