namespace EVC.Stream.Container;

/// <summary>How an <see cref="EvcsWriter"/> hands data to the OS and the disk, and what it writes at the end.</summary>
public sealed class EvcsWriterOptions
{
    /// <summary>
    /// fsync (<see cref="System.IO.FileStream.Flush(bool)"/> with <c>true</c>) after every N packets; 0 = never.
    /// Only for <see cref="System.IO.FileStream"/>s; every packet is handed to the OS (flushed) regardless. Default 0.
    /// </summary>
    public int FsyncEveryPackets { get; init; }

    /// <summary>fsync when at least this much time has passed since the last one; <see cref="TimeSpan.Zero"/> = never. Default zero.</summary>
    public TimeSpan FsyncInterval { get; init; }

    /// <summary>fsync a <see cref="System.IO.FileStream"/> once more after the index and trailer. Default true.</summary>
    public bool FsyncOnComplete { get; init; } = true;

    /// <summary>Write the frame → offset index before the trailer. Default true.</summary>
    public bool WriteIndex { get; init; } = true;

    /// <summary>Leave the stream open when the writer is disposed. Default false (the writer owns it).</summary>
    public bool LeaveOpen { get; init; }
}
