namespace EVC.Stream.Container;

/// <summary>How the frames' entropy parameters were computed; a player must decode in the same mode.</summary>
public enum EvcsStreamMode : byte
{
    /// <summary>Bit-compatible with the official EVC implementation (floating-point entropy parameters).</summary>
    Official = 0,

    /// <summary>Device-independent: entropy parameters computed deterministically, identical on CPU and GPU.</summary>
    Deterministic = 1,
}

/// <summary>Colour space of the decoded pictures. Readers pass unknown values through unchanged.</summary>
public enum EvcsColorSpace : byte
{
    /// <summary>RGB, the model's native space (no matrix).</summary>
    Rgb = 0,

    /// <summary>Y'CbCr with the ITU-R BT.709 matrix.</summary>
    Bt709 = 1,

    /// <summary>Y'CbCr with the ITU-R BT.601 matrix.</summary>
    Bt601 = 2,

    /// <summary>Y'CbCr with the ITU-R BT.2020 non-constant-luminance matrix.</summary>
    Bt2020 = 3,
}

/// <summary>Sample range of the decoded pictures. Readers pass unknown values through unchanged.</summary>
public enum EvcsColorRange : byte
{
    /// <summary>Full range: 0–255 for 8-bit samples.</summary>
    Full = 0,

    /// <summary>Limited ("video", "TV") range: 16–235 luma, 16–240 chroma for 8-bit samples.</summary>
    Limited = 1,
}

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

/// <summary>Why the reader skipped bytes. One <see cref="EvcsDamage"/> covers a whole skipped region; this is its first cause.</summary>
public enum EvcsDamageReason
{
    /// <summary>Bytes that start no known structure (garbage, or a structure shifted by inserted or deleted bytes).</summary>
    UnexpectedData = 0,

    /// <summary>A packet header whose CRC-32C does not match: its length field was not trusted.</summary>
    PacketHeaderCrcMismatch = 1,

    /// <summary>A packet header with a valid CRC but a payload length above <see cref="EvcsConstants.MaxPayloadLength"/>.</summary>
    PayloadTooLarge = 2,

    /// <summary>A packet whose CRC-32C over header and payload does not match: the payload is damaged.</summary>
    PacketCrcMismatch = 3,

    /// <summary>The stream ends inside a structure (a file cut by a crash or a full disk).</summary>
    Truncated = 4,

    /// <summary>An index whose header or entries fail their CRC-32C or are inconsistent.</summary>
    IndexDamaged = 5,

    /// <summary>A trailer whose CRC-32C does not match.</summary>
    TrailerDamaged = 6,
}

/// <summary>Where the seek table came from.</summary>
public enum EvcsIndexSource
{
    /// <summary>No index yet: not requested, or the stream cannot seek.</summary>
    None = 0,

    /// <summary>The index stored at the end of the file, validated by its CRC and the trailer.</summary>
    Stored = 1,

    /// <summary>Rebuilt by scanning every packet, because the stored index was absent or damaged.</summary>
    Rebuilt = 2,
}
