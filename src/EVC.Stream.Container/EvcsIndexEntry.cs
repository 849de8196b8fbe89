namespace EVC.Stream.Container;

/// <summary>One seek-table entry: where a frame's packet starts.</summary>
/// <param name="FrameNumber">The packet's frame number.</param>
/// <param name="Pts">The packet's presentation timestamp.</param>
/// <param name="Offset">Byte offset of the packet's sync marker from the start of the stream.</param>
public readonly record struct EvcsIndexEntry(long FrameNumber, long Pts, long Offset);
