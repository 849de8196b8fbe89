namespace EVC.Stream.Cli.Live;

/// <summary>What a dashboard shows: each run shows the fields that mean something for it.</summary>
internal enum DashboardKind
{
    /// <summary>capture: frames written and dropped, stream bitrate, bpp, q_scale, encoder level.</summary>
    Capture,

    /// <summary>play to a window or raw frames: frames presented and skipped as late, stream bitrate, bpp.</summary>
    Player,

    /// <summary>decode, or play to a file: progress with ETA from the index, fps and latency.</summary>
    FileSink,
}
