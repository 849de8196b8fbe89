namespace EVC.Stream.Pipeline.Playback;

/// <summary>A packet handed to a reserved decoder, and the slot its frame goes to.</summary>
internal readonly record struct DecodeJob(PresentationSlot Slot, EvcsPacket Packet);
