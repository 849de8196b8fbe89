namespace EVC.Stream.Container;

/// <summary>
/// The numbers of the <c>.evcs</c> format, version 1.0, in one place (see <c>docs/evcs-format.md</c>).
/// All integers in the format are little-endian.
/// </summary>
public static class EvcsConstants
{
    /// <summary>Major format version written and read by this library; readers reject any other major version.</summary>
    public const ushort VersionMajor = 1;

    /// <summary>Minor format version written by this library; readers accept every minor version of their major.</summary>
    public const ushort VersionMinor = 0;

    /// <summary>Length of the file magic in bytes.</summary>
    public const int MagicLength = 8;

    /// <summary>Size of the fixed part of the file header (magic up to the frame rate), before its strings.</summary>
    public const int FileHeaderFixedSize = 80;

    /// <summary>Smallest valid file header: the fixed part, three empty strings, no metadata and the CRC.</summary>
    public const int MinFileHeaderLength = FileHeaderFixedSize + 3 * 2 + 2 + 4;

    /// <summary>Largest valid file header in bytes (64 KiB); a larger header length is rejected before it is read.</summary>
    public const int MaxFileHeaderLength = 64 * 1024;

    /// <summary>Largest UTF-8 length of one header string (architecture, encoder, metadata key or value).</summary>
    public const int MaxStringBytes = 4096;

    /// <summary>Largest number of metadata key/value pairs in the file header.</summary>
    public const int MaxMetadataEntries = 1024;

    /// <summary>Length of the SHA-256 of the model weights in the file header.</summary>
    public const int WeightsHashLength = 32;

    /// <summary>Length of a sync marker (packet, index, trailer).</summary>
    public const int SyncLength = 4;

    /// <summary>First byte of every sync marker; the reader resynchronises by searching for it.</summary>
    public const byte SyncLead = 0x8B;

    /// <summary>Size of the fixed packet header that precedes every payload.</summary>
    public const int PacketHeaderSize = 36;

    /// <summary>Largest payload of one packet: 64 MiB. A longer length field is rejected without allocating.</summary>
    public const int MaxPayloadLength = 64 * 1024 * 1024;

    /// <summary>Size of the index header (sync, entry count, CRC of both).</summary>
    public const int IndexHeaderSize = 12;

    /// <summary>Size of one index entry (frame number, presentation timestamp, offset).</summary>
    public const int IndexEntrySize = 24;

    /// <summary>Largest number of index entries (about 19 hours at 60 fps); a writer with more frames writes no index.</summary>
    public const int MaxIndexEntries = 4 * 1024 * 1024;

    /// <summary>Size of the trailer, always the last bytes of a completed file.</summary>
    public const int TrailerSize = 36;

    /// <summary>
    /// The file magic: <c>8A 45 56 43 53 0D 0A 1A</c> ("\x8AEVCS\r\n\x1A"). The high first byte and the CR LF / SUB bytes
    /// reveal 7-bit and text-mode transfers, as in PNG.
    /// </summary>
    public static ReadOnlySpan<byte> Magic => [0x8A, (byte)'E', (byte)'V', (byte)'C', (byte)'S', 0x0D, 0x0A, 0x1A];

    /// <summary>Sync marker that starts every packet: <c>8B 50 4B 54</c> ("\x8BPKT").</summary>
    public static ReadOnlySpan<byte> PacketSync => [SyncLead, (byte)'P', (byte)'K', (byte)'T'];

    /// <summary>Sync marker that starts the index: <c>8B 49 44 58</c> ("\x8BIDX").</summary>
    public static ReadOnlySpan<byte> IndexSync => [SyncLead, (byte)'I', (byte)'D', (byte)'X'];

    /// <summary>Sync marker that starts the trailer: <c>8B 45 4E 44</c> ("\x8BEND").</summary>
    public static ReadOnlySpan<byte> TrailerSync => [SyncLead, (byte)'E', (byte)'N', (byte)'D'];

    /// <summary>The packet sync marker read as a little-endian <see cref="uint"/>.</summary>
    internal const uint PacketSyncValue = 0x544B508B;

    /// <summary>The index sync marker read as a little-endian <see cref="uint"/>.</summary>
    internal const uint IndexSyncValue = 0x5844498B;

    /// <summary>The trailer sync marker read as a little-endian <see cref="uint"/>.</summary>
    internal const uint TrailerSyncValue = 0x444E458B;
}
