namespace EVC.Stream.Container;

/// <summary>The per-frame fields of a packet header (everything but the payload and its framing).</summary>
/// <param name="FrameNumber">Frame number: not negative, strictly increasing within a stream (gaps mark dropped frames).</param>
/// <param name="Pts">Presentation timestamp in units of <see cref="EvcsHeader.TimeBase"/>.</param>
/// <param name="QIndex">The frame's quality index (EVC's variable-rate q_index).</param>
/// <param name="Level">The encoder level the frame was coded with.</param>
/// <param name="Flags">Packet flags. Default none.</param>
public readonly record struct EvcsPacketInfo(long FrameNumber, long Pts, ushort QIndex, byte Level, EvcsPacketFlags Flags = EvcsPacketFlags.None);
