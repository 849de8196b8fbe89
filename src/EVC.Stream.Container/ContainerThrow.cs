using System.Diagnostics.CodeAnalysis;

namespace EVC.Stream.Container;

/// <summary>Throw helpers keep the throwing code (and its string formatting) out of the hot paths; one wording each.</summary>
internal static class ContainerThrow
{
    [DoesNotReturn]
    public static void NotEvcs() =>
        throw new EvcsFormatException("Not an .evcs stream: the file magic is missing.");

    [DoesNotReturn]
    public static void UnsupportedVersion(int major, int minor) =>
        throw new EvcsFormatException($"Unsupported .evcs version {major}.{minor}: this reader reads version {EvcsConstants.VersionMajor}.x.");

    [DoesNotReturn]
    public static void TruncatedHeader(long available, long needed) =>
        throw new EvcsFormatException($"Truncated .evcs file header: the stream ends after {available} of its {needed} bytes.");

    [DoesNotReturn]
    public static void BadHeaderLength(uint length) =>
        throw new EvcsFormatException($"Invalid .evcs file header length {length} (valid: {EvcsConstants.MinFileHeaderLength}..{EvcsConstants.MaxFileHeaderLength}).");

    [DoesNotReturn]
    public static void HeaderCrc(uint stored, uint computed) =>
        throw new EvcsFormatException($"Damaged .evcs file header: CRC-32C 0x{stored:x8} stored, 0x{computed:x8} computed.");

    [DoesNotReturn]
    public static void BadHeaderField(string what) =>
        throw new EvcsFormatException($"Invalid .evcs file header: {what}.");

    [DoesNotReturn]
    public static void InvalidHeader(string what) =>
        throw new ArgumentException($"Invalid .evcs header: {what}.");

    [DoesNotReturn]
    public static void PayloadTooLarge(int length) =>
        throw new ArgumentException($"A payload of {length} bytes exceeds the .evcs limit of {EvcsConstants.MaxPayloadLength} bytes.");

    [DoesNotReturn]
    public static void FrameNumberNotIncreasing(long frame, long previous) =>
        throw new ArgumentException($"Frame number {frame} does not follow frame {previous}: frame numbers must increase strictly.");

    [DoesNotReturn]
    public static void NegativeFrameNumber(long frame) =>
        throw new ArgumentOutOfRangeException(nameof(frame), frame, "Frame numbers are not negative.");

    [DoesNotReturn]
    public static void WriterClosed(bool faulted) =>
        throw new InvalidOperationException(faulted
            ? "The .evcs writer failed on an earlier write; the stream ends at its last complete packet."
            : "The .evcs writer is completed; no more packets can be written.");

    [DoesNotReturn]
    public static void NotSeekable() =>
        throw new NotSupportedException("Seeking and the index need a seekable stream (not a pipe) read without following.");
}
