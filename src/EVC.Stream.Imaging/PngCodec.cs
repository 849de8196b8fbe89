using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace EVC.Stream.Imaging;

/// <summary>
/// A small, dependency-free PNG reader and writer (ISO/IEC 15948): non-interlaced greyscale, RGB, palette, grey+alpha
/// and RGBA at 8 or 16 bits (and 1–4-bit palette/grey) in; 8-bit RGB out. Reading converts to 8-bit RGB the way PIL's
/// <c>convert('RGB')</c> does for the images EVC uses (alpha dropped, 16-bit samples take their high byte).
/// </summary>
public static class PngCodec
{
    private static readonly byte[] s_signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Decodes a PNG into interleaved 8-bit RGB.</summary>
    /// <exception cref="ImageFormatException">Not a PNG, damaged, interlaced or otherwise unsupported.</exception>
    public static (int Width, int Height, byte[] Rgb) Decode(ReadOnlySpan<byte> png)
    {
        if (png.Length < 8 || !png[..8].SequenceEqual(s_signature))
            throw new ImageFormatException("not a PNG file (bad signature)");
        int width = 0, height = 0, bitDepth = 0, colorType = -1;
        byte[]? palette = null;
        using var idat = new MemoryStream();
        int position = 8;
        bool ended = false;
        while (!ended)
        {
            if (position + 12 > png.Length)
                throw new ImageFormatException("truncated PNG");
            int length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.Slice(position));
            if (length < 0 || position + 12 + (long)length > png.Length)
                throw new ImageFormatException("truncated PNG chunk");
            ReadOnlySpan<byte> type = png.Slice(position + 4, 4);
            ReadOnlySpan<byte> data = png.Slice(position + 8, length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.Slice(position + 8 + length));
            if (Crc32.HashToUInt32(png.Slice(position + 4, length + 4)) != crc)
                throw new ImageFormatException($"damaged PNG: CRC mismatch in chunk {System.Text.Encoding.ASCII.GetString(type)}");
            switch (System.Text.Encoding.ASCII.GetString(type))
            {
                case "IHDR":
                    if (length != 13)
                        throw new ImageFormatException("bad IHDR");
                    width = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
                    height = (int)BinaryPrimitives.ReadUInt32BigEndian(data.Slice(4));
                    bitDepth = data[8];
                    colorType = data[9];
                    if (data[12] != 0)
                        throw new ImageFormatException("interlaced PNGs are not supported");
                    if (width <= 0 || height <= 0 || (long)width * height > 1L << 28)
                        throw new ImageFormatException($"unsupported PNG size {width}x{height}");
                    break;
                case "PLTE":
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    ended = true;
                    break;
            }
            position += 12 + length;
        }
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => throw new ImageFormatException($"unsupported PNG colour type {colorType}") };
        if (colorType == 3 && palette is null)
            throw new ImageFormatException("palette PNG without PLTE");
        int bitsPerPixel = channels * bitDepth;
        int stride = (width * bitsPerPixel + 7) / 8;
        int bytesPerPixel = Math.Max(1, bitsPerPixel / 8);

        var raw = new byte[(long)(stride + 1) * height];
        idat.Position = 0;
        try
        {
            using var inflater = new ZLibStream(idat, CompressionMode.Decompress);
            int read = 0;
            while (read < raw.Length)
            {
                int n = inflater.Read(raw, read, raw.Length - read);
                if (n == 0)
                    throw new ImageFormatException("truncated PNG image data");
                read += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new ImageFormatException("damaged PNG image data", e);
        }

        var previous = new byte[stride];
        var current = new byte[stride];
        var rgb = new byte[3 * width * height];
        for (int y = 0; y < height; y++)
        {
            int rowStart = y * (stride + 1);
            byte filter = raw[rowStart];
            raw.AsSpan(rowStart + 1, stride).CopyTo(current);
            Unfilter(filter, current, previous, bytesPerPixel);
            for (int x = 0; x < width; x++)
            {
                int o = 3 * (y * width + x);
                switch (colorType)
                {
                    case 0:
                        rgb[o] = rgb[o + 1] = rgb[o + 2] = Sample(current, x, bitDepth, 1, 0, scaleToByte: true);
                        break;
                    case 2:
                    case 6:
                        rgb[o] = Sample(current, x, bitDepth, channels, 0, true);
                        rgb[o + 1] = Sample(current, x, bitDepth, channels, 1, true);
                        rgb[o + 2] = Sample(current, x, bitDepth, channels, 2, true);
                        break;
                    case 4:
                        rgb[o] = rgb[o + 1] = rgb[o + 2] = Sample(current, x, bitDepth, channels, 0, true);
                        break;
                    case 3:
                        int entry = Sample(current, x, bitDepth, 1, 0, scaleToByte: false);
                        if (3 * entry + 2 >= palette!.Length)
                            throw new ImageFormatException("palette index out of range");
                        rgb[o] = palette[3 * entry];
                        rgb[o + 1] = palette[3 * entry + 1];
                        rgb[o + 2] = palette[3 * entry + 2];
                        break;
                }
            }
            (previous, current) = (current, previous);
        }
        return (width, height, rgb);
    }

    /// <summary>Encodes interleaved 8-bit RGB as a PNG (filter 0, zlib level optimal).</summary>
    public static byte[] EncodeRgb(int width, int height, ReadOnlySpan<byte> rgb)
    {
        if (rgb.Length != 3 * width * height)
            throw new ArgumentException($"{rgb.Length} bytes do not make a {width}x{height} RGB image", nameof(rgb));
        using var output = new MemoryStream();
        output.Write(s_signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.Slice(4), (uint)height);
        header[8] = 8;
        header[9] = 2;
        header[10] = header[11] = header[12] = 0;
        WriteChunk(output, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var deflater = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                for (int y = 0; y < height; y++)
                {
                    deflater.WriteByte(0);
                    deflater.Write(rgb.Slice(3 * width * y, 3 * width));
                }
            }
            WriteChunk(output, "IDAT", compressed.ToArray());
        }
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    private static void WriteChunk(MemoryStream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        byte[] typeAndData = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type, typeAndData);
        data.CopyTo(typeAndData.AsSpan(4));
        output.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.HashToUInt32(typeAndData));
        output.Write(word);
    }

    private static byte Sample(byte[] row, int x, int bitDepth, int channels, int channel, bool scaleToByte)
    {
        switch (bitDepth)
        {
            case 8:
                return row[x * channels + channel];
            case 16:
                return row[2 * (x * channels + channel)];  // high byte
            default:
                int bitIndex = x * bitDepth;
                int value = (row[bitIndex >> 3] >> (8 - bitDepth - (bitIndex & 7))) & ((1 << bitDepth) - 1);
                return scaleToByte ? (byte)(value * 255 / ((1 << bitDepth) - 1)) : (byte)value;
        }
    }

    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous, int bpp)
    {
        switch (filter)
        {
            case 0:
                return;
            case 1:
                for (int i = bpp; i < row.Length; i++)
                    row[i] += row[i - bpp];
                return;
            case 2:
                for (int i = 0; i < row.Length; i++)
                    row[i] += previous[i];
                return;
            case 3:
                for (int i = 0; i < row.Length; i++)
                    row[i] += (byte)(((i >= bpp ? row[i - bpp] : 0) + previous[i]) >> 1);
                return;
            case 4:
                for (int i = 0; i < row.Length; i++)
                {
                    int a = i >= bpp ? row[i - bpp] : 0, b = previous[i], c = i >= bpp ? previous[i - bpp] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    row[i] += (byte)(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }
                return;
            default:
                throw new ImageFormatException($"damaged PNG: unknown row filter {filter}");
        }
    }
}
