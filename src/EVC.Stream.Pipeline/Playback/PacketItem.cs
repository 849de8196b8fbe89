namespace EVC.Stream.Pipeline.Playback;

/// <summary>A packet read ahead of the decoders, with when it was read, the seek generation it belongs to and the stream bitrate so far.</summary>
internal readonly record struct PacketItem(EvcsPacket Packet, long ReadAt, int Generation, double BitrateBps);
