namespace EVC.Stream.Container;

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
