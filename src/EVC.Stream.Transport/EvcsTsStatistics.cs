namespace EVC.Stream.Transport;

/// <summary>What an <see cref="EvcsTsDemuxer"/> has seen so far, as plain counters (the library never prints).</summary>
/// <param name="Packets">TS packets read.</param>
/// <param name="BytesSkipped">Bytes passed over while searching for packet sync (garbage, cut packets).</param>
/// <param name="SyncLosses">Times the 0x47 sync byte was not where the previous packet said it would be.</param>
/// <param name="ContinuityErrors">Continuity-counter jumps on the EVC PID (lost, reordered or inserted packets).</param>
/// <param name="TransportErrors">Packets flagged with transport_error_indicator, or with an impossible adaptation field.</param>
/// <param name="UnitsDropped">Frame or header units discarded as incomplete or damaged (one lost unit can hide several).</param>
/// <param name="FramesReceived">Frames returned intact.</param>
/// <param name="FramesLost">Frames missing between returned frames, counted from frame-number gaps.</param>
/// <param name="FramesBeforeHeader">Intact frames discarded because no stream header had arrived yet (a late join).</param>
/// <param name="FramesOutOfOrder">Intact frames dropped because their number was not above the last returned one.</param>
/// <param name="HeadersReceived">Intact stream-header units read.</param>
/// <param name="HeaderChanges">Times the stream header changed (the first one counts).</param>
public readonly record struct EvcsTsStatistics(
    long Packets,
    long BytesSkipped,
    long SyncLosses,
    long ContinuityErrors,
    long TransportErrors,
    long UnitsDropped,
    long FramesReceived,
    long FramesLost,
    long FramesBeforeHeader,
    long FramesOutOfOrder,
    long HeadersReceived,
    long HeaderChanges);
