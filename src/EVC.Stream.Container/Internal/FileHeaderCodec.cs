using System.Buffers.Binary;
using System.Text;

namespace EVC.Stream.Container.Internal;

/// <summary>Writes and parses the file header (section 3 of <c>docs/evcs-format.md</c>).</summary>
internal static class FileHeaderCodec
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Offset of the header-length field; the first 16 bytes are enough to know the whole header's size.</summary>
    public const int LengthFieldOffset = 12;

    /// <summary>Bytes to read before the header length is known.</summary>
    public const int PrefixSize = 16;

    /// <summary>Validates a header for writing and serialises it, CRC included.</summary>
    /// <exception cref="ArgumentException">A field is out of range.</exception>
    public static byte[] Serialize(EvcsHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.Width <= 0 || header.Height <= 0)
            ContainerThrow.InvalidHeader($"the picture size {header.Width}x{header.Height} is not positive");
        if (header.PadRight is < 0 or > ushort.MaxValue || header.PadBottom is < 0 or > ushort.MaxValue)
            ContainerThrow.InvalidHeader($"padding {header.PadRight}/{header.PadBottom} is outside 0..65535");
        if (!header.TimeBase.IsValid)
            ContainerThrow.InvalidHeader($"time base {header.TimeBase} has a zero part");
        if (!header.FrameRate.IsValid)
            ContainerThrow.InvalidHeader($"frame rate {header.FrameRate} has a zero part");
        if (header.Metadata.Count > EvcsConstants.MaxMetadataEntries)
            ContainerThrow.InvalidHeader($"{header.Metadata.Count} metadata entries (at most {EvcsConstants.MaxMetadataEntries})");

        int length = EvcsConstants.FileHeaderFixedSize + StringSize(header.Architecture) + StringSize(header.EncoderName)
            + StringSize(header.EncoderVersion) + 2 + 4;
        foreach (KeyValuePair<string, string> pair in header.Metadata)
            length += StringSize(pair.Key) + StringSize(pair.Value);
        if (length > EvcsConstants.MaxFileHeaderLength)
            ContainerThrow.InvalidHeader($"the header would take {length} bytes (at most {EvcsConstants.MaxFileHeaderLength})");

        var bytes = new byte[length];
        Span<byte> span = bytes;
        EvcsConstants.Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(8), EvcsConstants.VersionMajor);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(10), EvcsConstants.VersionMinor);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(12), (uint)length);
        header.WeightsSha256.Span.CopyTo(span.Slice(16, EvcsConstants.WeightsHashLength));
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(48), (uint)header.Width);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(52), (uint)header.Height);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(56), (ushort)header.PadRight);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(58), (ushort)header.PadBottom);
        span[60] = (byte)header.StreamMode;
        span[61] = (byte)header.ColorSpace;
        span[62] = (byte)header.ColorRange;
        span[63] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(64), header.TimeBase.Numerator);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(68), header.TimeBase.Denominator);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(72), header.FrameRate.Numerator);
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(76), header.FrameRate.Denominator);
        int offset = EvcsConstants.FileHeaderFixedSize;
        offset = WriteString(span, offset, header.Architecture);
        offset = WriteString(span, offset, header.EncoderName);
        offset = WriteString(span, offset, header.EncoderVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(offset), (ushort)header.Metadata.Count);
        offset += 2;
        foreach (KeyValuePair<string, string> pair in header.Metadata)
        {
            offset = WriteString(span, offset, pair.Key);
            offset = WriteString(span, offset, pair.Value);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(offset), Crc32C.Compute(span.Slice(0, offset)));
        return bytes;
    }

    /// <summary>Checks the magic and version of the first <see cref="PrefixSize"/> bytes and returns the header length.</summary>
    /// <exception cref="EvcsFormatException">Not an .evcs stream, an unsupported major version, or an impossible length.</exception>
    public static int ParsePrefix(ReadOnlySpan<byte> prefix)
    {
        if (!prefix.Slice(0, EvcsConstants.MagicLength).SequenceEqual(EvcsConstants.Magic))
            ContainerThrow.NotEvcs();
        ushort major = BinaryPrimitives.ReadUInt16LittleEndian(prefix.Slice(8));
        ushort minor = BinaryPrimitives.ReadUInt16LittleEndian(prefix.Slice(10));
        if (major != EvcsConstants.VersionMajor)
            ContainerThrow.UnsupportedVersion(major, minor);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(prefix.Slice(LengthFieldOffset));
        if (length is < EvcsConstants.MinFileHeaderLength or > EvcsConstants.MaxFileHeaderLength)
            ContainerThrow.BadHeaderLength(length);
        return (int)length;
    }

    /// <summary>Parses a whole header (its length already checked by <see cref="ParsePrefix"/>).</summary>
    /// <exception cref="EvcsFormatException">The CRC does not match or a field is invalid.</exception>
    public static EvcsHeader Parse(ReadOnlySpan<byte> bytes)
    {
        int crcOffset = bytes.Length - 4;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(crcOffset));
        uint computed = Crc32C.Compute(bytes.Slice(0, crcOffset));
        if (stored != computed)
            ContainerThrow.HeaderCrc(stored, computed);

        uint width = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(48));
        uint height = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(52));
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue)
            ContainerThrow.BadHeaderField($"picture size {width}x{height}");
        var timeBase = new EvcsRational(BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(64)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(68)));
        var frameRate = new EvcsRational(BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(72)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(76)));
        if (!timeBase.IsValid)
            ContainerThrow.BadHeaderField($"time base {timeBase}");
        if (!frameRate.IsValid)
            ContainerThrow.BadHeaderField($"frame rate {frameRate}");

        ReadOnlySpan<byte> body = bytes.Slice(0, crcOffset);
        int offset = EvcsConstants.FileHeaderFixedSize;
        string architecture = ReadString(body, ref offset, "architecture");
        string encoderName = ReadString(body, ref offset, "encoder name");
        string encoderVersion = ReadString(body, ref offset, "encoder version");
        if (offset + 2 > body.Length)
            ContainerThrow.BadHeaderField("the metadata count lies beyond the header");
        int count = BinaryPrimitives.ReadUInt16LittleEndian(body.Slice(offset));
        offset += 2;
        if (count > EvcsConstants.MaxMetadataEntries)
            ContainerThrow.BadHeaderField($"{count} metadata entries (at most {EvcsConstants.MaxMetadataEntries})");
        var metadata = new KeyValuePair<string, string>[count];
        for (int i = 0; i < count; i++)
        {
            string key = ReadString(body, ref offset, "metadata key");
            string value = ReadString(body, ref offset, "metadata value");
            metadata[i] = new KeyValuePair<string, string>(key, value);
        }
        // Bytes between here and the CRC are fields of a later minor version: covered by the CRC, skipped.

        return new EvcsHeader
        {
            VersionMajor = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(8)),
            VersionMinor = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(10)),
            WeightsSha256 = bytes.Slice(16, EvcsConstants.WeightsHashLength).ToArray(),
            Width = (int)width,
            Height = (int)height,
            PadRight = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(56)),
            PadBottom = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(58)),
            StreamMode = (EvcsStreamMode)bytes[60],
            ColorSpace = (EvcsColorSpace)bytes[61],
            ColorRange = (EvcsColorRange)bytes[62],
            TimeBase = timeBase,
            FrameRate = frameRate,
            Architecture = architecture,
            EncoderName = encoderName,
            EncoderVersion = encoderVersion,
            Metadata = metadata,
        };
    }

    private static int StringSize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > EvcsConstants.MaxStringBytes)
            ContainerThrow.InvalidHeader($"a string of {bytes} UTF-8 bytes (at most {EvcsConstants.MaxStringBytes})");
        return 2 + bytes;
    }

    private static int WriteString(Span<byte> span, int offset, string value)
    {
        int written = Encoding.UTF8.GetBytes(value, span.Slice(offset + 2));
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(offset), (ushort)written);
        return offset + 2 + written;
    }

    private static string ReadString(ReadOnlySpan<byte> body, ref int offset, string what)
    {
        if (offset + 2 > body.Length)
            ContainerThrow.BadHeaderField($"the {what} lies beyond the header");
        int length = BinaryPrimitives.ReadUInt16LittleEndian(body.Slice(offset));
        if (length > EvcsConstants.MaxStringBytes || offset + 2 + length > body.Length)
            ContainerThrow.BadHeaderField($"the {what} ({length} bytes) does not fit in the header");
        string value;
        try
        {
            value = s_strictUtf8.GetString(body.Slice(offset + 2, length));
        }
        catch (DecoderFallbackException e)
        {
            throw new EvcsFormatException($"Invalid .evcs file header: the {what} is not valid UTF-8.", e);
        }
        offset += 2 + length;
        return value;
    }
}
