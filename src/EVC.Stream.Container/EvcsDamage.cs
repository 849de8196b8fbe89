namespace EVC.Stream.Container;

/// <summary>One reported damaged region of a stream: bytes the reader skipped, as plain data (the library never prints).</summary>
/// <param name="Position">Byte offset, from the start of the stream, of the first skipped byte.</param>
/// <param name="Length">Number of bytes skipped until the next valid structure or the end of the stream.</param>
/// <param name="Reason">What was wrong with the first skipped structure.</param>
public readonly record struct EvcsDamage(long Position, long Length, EvcsDamageReason Reason);
