namespace EVC.Stream.Container;

/// <summary>Packet flags (one byte on disk). Every frame is intra-coded, so every packet is a keyframe; there is no flag for it.</summary>
[Flags]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Named after the packet header's flags field of the format specification.")]
public enum EvcsPacketFlags : byte
{
    /// <summary>No flag set.</summary>
    None = 0,

    /// <summary>The producer knows the payload is unusable (e.g. the encoder failed on this frame); players conceal it.</summary>
    Damaged = 1 << 0,

    /// <summary>The last packet of the stream: a reader following a growing file or pipe stops waiting after it.</summary>
    EndOfStream = 1 << 1,
}
