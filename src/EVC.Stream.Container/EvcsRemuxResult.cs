namespace EVC.Stream.Container;

/// <summary>What <see cref="EvcsRemux.CopyAsync"/> did; the damaged regions it skipped are in the reader's <see cref="EvcsReader.Damage"/>.</summary>
/// <param name="Written">Packets written, in frame order.</param>
/// <param name="Reordered">Packets that came after a later frame and were put back in place.</param>
/// <param name="Duplicates">Packets dropped because their frame number was already written.</param>
/// <param name="TooLate">Packets dropped because they were misplaced by more than the reordering window (or carried an invalid frame number).</param>
public sealed record EvcsRemuxResult(long Written, long Reordered, long Duplicates, long TooLate);
