namespace EVC.Stream.Transport;

/// <summary>What an <see cref="EvcsTsRemux"/> conversion did.</summary>
/// <param name="FramesWritten">Frames written to the output.</param>
/// <param name="FramesSkipped">
/// Frames not written: to a transport stream, packets the ordered reader dropped (duplicates, misplaced); from one,
/// frames of a later stream header (a different stream) once the output had been started with the first.
/// </param>
/// <param name="Demux">The demuxer's counters when reading a transport stream (lost frames, damage); default otherwise.</param>
public sealed record EvcsTsRemuxResult(long FramesWritten, long FramesSkipped, EvcsTsStatistics Demux);
