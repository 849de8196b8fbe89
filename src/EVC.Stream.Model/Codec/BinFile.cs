using System.Buffers.Binary;

namespace EVC.Stream.Model.Codec;

/// <summary>
/// The official <c>.bin</c> of one image (<c>encode_i</c>/<c>decode_i</c>): big-endian uint32 height, uint32 width,
/// uint16 q_index, uint32 payload length, then the entropy-coded payload.
/// </summary>
public static class BinFile
{
    /// <summary>Bytes before the payload.</summary>
    public const int HeaderSize = 14;

    /// <summary>Serialises a picture's header and payload.</summary>
    public static byte[] Write(int height, int width, int qIndex, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[HeaderSize + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)height);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)width);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(8), (ushort)qIndex);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(10), (uint)payload.Length);
        payload.CopyTo(bytes.AsSpan(HeaderSize));
        return bytes;
    }

    /// <summary>Parses a <c>.bin</c>.</summary>
    /// <exception cref="InvalidDataException">Truncated, or a length that does not match the file.</exception>
    public static (int Height, int Width, int QIndex, ReadOnlyMemory<byte> Payload) Read(ReadOnlyMemory<byte> bytes)
    {
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
        return ((int)height, (int)width, qIndex, bytes.Slice(HeaderSize));
    }
}
