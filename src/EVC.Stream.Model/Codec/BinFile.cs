using System.Buffers.Binary;

namespace EVC.Stream.Model.Codec;

/// <summary>
/// The <c>.bin</c> of one image. Official mode is the official layout (<c>encode_i</c>/<c>decode_i</c>): big-endian
/// uint32 height, uint32 width, uint16 q_index, uint32 payload length, then the entropy-coded payload. A
/// deterministic-mode stream prefixes that with the 4-byte magic <c>EVCD</c> and the arithmetic's version byte (1 or 2); an official
/// <c>.bin</c> can never start with it, since its first byte is the high byte of a height ≤ 65536, i.e. 0.
/// Spec: <c>docs/determinism.md</c>.
/// </summary>
public static class BinFile
{
    /// <summary>Bytes before the payload in official mode.</summary>
    public const int HeaderSize = 14;

    /// <summary>Bytes before the official header in deterministic mode: magic and version.</summary>
    public const int DeterministicPrefixSize = 5;

    /// <summary>The version byte of the deterministic arithmetic written by default (<see cref="StreamMode.Deterministic"/>).</summary>
    public const byte DeterministicVersion = 2;

    private static ReadOnlySpan<byte> DeterministicMagic => "EVCD"u8;

    /// <summary>Serialises a picture's header and payload in official mode.</summary>
    public static byte[] Write(int height, int width, int qIndex, ReadOnlySpan<byte> payload) =>
        Write(height, width, qIndex, payload, StreamMode.Official);

    /// <summary>Serialises a picture's header and payload in <paramref name="mode"/>.</summary>
    public static byte[] Write(int height, int width, int qIndex, ReadOnlySpan<byte> payload, StreamMode mode)
    {
        int prefix = mode == StreamMode.Official ? 0 : DeterministicPrefixSize;
        var bytes = new byte[prefix + HeaderSize + payload.Length];
        if (prefix > 0)
        {
            DeterministicMagic.CopyTo(bytes);
            bytes[4] = mode == StreamMode.DeterministicV1 ? (byte)1 : DeterministicVersion;
        }
        Span<byte> header = bytes.AsSpan(prefix);
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)height);
        BinaryPrimitives.WriteUInt32BigEndian(header.Slice(4), (uint)width);
        BinaryPrimitives.WriteUInt16BigEndian(header.Slice(8), (ushort)qIndex);
        BinaryPrimitives.WriteUInt32BigEndian(header.Slice(10), (uint)payload.Length);
        payload.CopyTo(header.Slice(HeaderSize));
        return bytes;
    }

    /// <summary>Parses a <c>.bin</c> of either mode.</summary>
    /// <exception cref="InvalidDataException">Truncated, an unknown version, or a length that does not match the file.</exception>
    public static (int Height, int Width, int QIndex, ReadOnlyMemory<byte> Payload) Read(ReadOnlyMemory<byte> bytes)
    {
        var (height, width, qIndex, payload, _) = ReadWithMode(bytes);
        return (height, width, qIndex, payload);
    }

    /// <summary>Parses a <c>.bin</c> of either mode and says which.</summary>
    /// <exception cref="InvalidDataException">Truncated, an unknown version, or a length that does not match the file.</exception>
    public static (int Height, int Width, int QIndex, ReadOnlyMemory<byte> Payload, StreamMode Mode) ReadWithMode(ReadOnlyMemory<byte> bytes)
    {
        StreamMode mode = StreamMode.Official;
        if (bytes.Length >= 4 && bytes.Span.StartsWith(DeterministicMagic))
        {
            if (bytes.Length < DeterministicPrefixSize)
                throw new InvalidDataException("truncated EVC .bin: deterministic-mode header cut short");
            byte version = bytes.Span[4];
            mode = version switch
            {
                1 => StreamMode.DeterministicV1,
                DeterministicVersion => StreamMode.Deterministic,
                _ => throw new InvalidDataException($"EVC .bin in deterministic mode version {version}; this build reads versions 1 and {DeterministicVersion}"),
            };
            bytes = bytes.Slice(DeterministicPrefixSize);
        }
        ReadOnlySpan<byte> span = bytes.Span;
        if (span.Length < HeaderSize)
            throw new InvalidDataException($"not an EVC .bin: {span.Length} bytes is shorter than its {HeaderSize}-byte header");
        uint height = BinaryPrimitives.ReadUInt32BigEndian(span);
        uint width = BinaryPrimitives.ReadUInt32BigEndian(span.Slice(4));
        int qIndex = BinaryPrimitives.ReadUInt16BigEndian(span.Slice(8));
        uint length = BinaryPrimitives.ReadUInt32BigEndian(span.Slice(10));
        if (length != span.Length - HeaderSize)
            throw new InvalidDataException($"truncated or corrupt EVC .bin: the header announces {length} payload bytes, the file has {span.Length - HeaderSize}");
        if (height == 0 || width == 0 || height > 65536 || width > 65536)
            throw new InvalidDataException($"corrupt EVC .bin: picture size {width}x{height}");
        if (qIndex == 0)
            throw new InvalidDataException("corrupt EVC .bin: q_index 0");
        return ((int)height, (int)width, qIndex, bytes.Slice(HeaderSize), mode);
    }
}
