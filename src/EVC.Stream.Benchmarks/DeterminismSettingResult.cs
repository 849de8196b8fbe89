namespace EVC.Stream.Benchmarks;

/// <summary>
/// One encoder setting in one stream mode: scale indexes that differ from batch 1 on 1 thread, and how its streams
/// decode alone with the other thread count (frames exact, frames broken, decoder indexes that differ from the encoder's).
/// </summary>
public sealed record DeterminismSettingResult(string Mode, string Setting, int IndexesDifferingFromReference, int DecodedWithThreads,
    int FramesDecodedExactly, int FramesDesynchronised, int DecoderIndexDifferences);
