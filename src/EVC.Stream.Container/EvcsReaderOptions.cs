namespace EVC.Stream.Container;

/// <summary>How an <see cref="EvcsReader"/> treats the end of its stream.</summary>
public sealed class EvcsReaderOptions
{
    /// <summary>
    /// Follow a growing file or a pipe (like <c>tail -f</c>): at the end of the data, wait and read again instead of
    /// stopping, until the trailer, a packet flagged <see cref="EvcsPacketFlags.EndOfStream"/>, or cancellation.
    /// Default false.
    /// </summary>
    public bool Follow { get; init; }

    /// <summary>How long a following reader waits before reading again at the end of the data. Default 20 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// With <see cref="Follow"/>: give up when the file has not grown for this long (its writer died without writing
    /// the end of the stream); <see cref="EvcsReader.FollowTimedOut"/> then says so. Null: wait for ever.
    /// </summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Load the stored index and trailer at open when the stream can seek (and is not followed). Default true.</summary>
    public bool UseStoredIndex { get; init; } = true;

    /// <summary>Leave the stream open when the reader is disposed. Default false (the reader owns it).</summary>
    public bool LeaveOpen { get; init; }
}
