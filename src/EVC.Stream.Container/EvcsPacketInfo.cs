namespace EVC.Stream.Container;

/// <summary>The per-frame fields of a packet header (everything but the payload and its framing).</summary>
/// <param name="FrameNumber">Frame number: not negative, strictly increasing within a stream (gaps mark dropped frames).</param>
/// <param name="Pts">Presentation timestamp in units of <see cref="EvcsHeader.TimeBase"/>.</param>
/// <param name="QIndex">The frame's quality index (EVC's variable-rate q_index).</param>
/// <param name="Level">The encoder level the frame was coded with.</param>
/// <param name="Flags">Packet flags. Default none.</param>
public readonly record struct EvcsPacketInfo(long FrameNumber, long Pts, ushort QIndex, byte Level, EvcsPacketFlags Flags = EvcsPacketFlags.None);

/// <summary>One reported damaged region of a stream: bytes the reader skipped, as plain data (the library never prints).</summary>
/// <param name="Position">Byte offset, from the start of the stream, of the first skipped byte.</param>
/// <param name="Length">Number of bytes skipped until the next valid structure or the end of the stream.</param>
/// <param name="Reason">What was wrong with the first skipped structure.</param>
public readonly record struct EvcsDamage(long Position, long Length, EvcsDamageReason Reason);

/// <summary>One seek-table entry: where a frame's packet starts.</summary>
/// <param name="FrameNumber">The packet's frame number.</param>
/// <param name="Pts">The packet's presentation timestamp.</param>
/// <param name="Offset">Byte offset of the packet's sync marker from the start of the stream.</param>
public readonly record struct EvcsIndexEntry(long FrameNumber, long Pts, long Offset);

/// <summary>The trailer that closes a completed stream.</summary>
/// <param name="FrameCount">Number of packets written.</param>
/// <param name="Duration">Duration in time-base units: last pts − first pts + one nominal frame duration (0 when empty).</param>
/// <param name="IndexOffset">Byte offset of the index from the start of the stream, or 0 when the writer wrote none.</param>
public readonly record struct EvcsTrailer(long FrameCount, long Duration, long IndexOffset);
