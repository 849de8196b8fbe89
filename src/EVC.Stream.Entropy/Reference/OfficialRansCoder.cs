namespace EVC.Stream.Entropy.Reference;

/// <summary>
/// A deliberately literal port of the official EVC coder (<c>RansEncoderLib</c> in <c>rans.cpp</c>): a growing list of
/// (start, range, bypass) records, a 64-bit division per symbol at flush. It is the yardstick the fast
/// <see cref="RansEncoder"/> is tested against and the side-by-side baseline of <c>evcstream bench entropy</c>.
/// Not for production use.
/// </summary>
public sealed class OfficialRansEncoder
{
    private readonly List<(ushort Start, ushort Range, bool Bypass)>[] _symbols;

    /// <summary>Creates the encoder with <paramref name="subStreams"/> sub-streams.</summary>
    public OfficialRansEncoder(int subStreams = RansEncoder.DefaultSubStreams)
    {
        _symbols = new List<(ushort, ushort, bool)>[subStreams];
        for (int i = 0; i < subStreams; i++)
            _symbols[i] = [];
    }

    /// <summary>Official <c>encode_with_indexes</c>: each call split into consecutive parts, one per sub-stream.</summary>
    public void Encode(ReadOnlySpan<int> symbols, ReadOnlySpan<byte> indexes, CdfTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        int parts = _symbols.Length;
        int perStream = symbols.Length / parts;
        for (int p = 0; p < parts; p++)
        {
            int begin = p * perStream;
            int count = p == parts - 1 ? symbols.Length - begin : perStream;
            List<(ushort, ushort, bool)> list = _symbols[p];
            for (int i = begin; i < begin + count; i++)
            {
                int row = indexes[i];
                ReadOnlySpan<int> cdf = table.GetCdf(row);
                int maxValue = table.GetCdfLength(row) - 2;
                int value = symbols[i] - table.GetOffset(row);
                uint raw = 0;
                if (value < 0)
                {
                    raw = (uint)(-2 * value - 1);
                    value = maxValue;
                }
                else if (value >= maxValue)
                {
                    raw = (uint)(2 * (value - maxValue));
                    value = maxValue;
                }
                list.Add(((ushort)cdf[value], (ushort)(cdf[value + 1] - cdf[value]), false));
                if (value != maxValue)
                    continue;
                int nibbles = 0;
                while ((raw >> (nibbles * 4)) != 0)
                    nibbles++;
                int countValue = nibbles;
                while (countValue >= 15)
                {
                    list.Add((15, 16, true));
                    countValue -= 15;
                }
                list.Add(((ushort)countValue, (ushort)(countValue + 1), true));
                for (int j = 0; j < nibbles; j++)
                {
                    ushort nibble = (ushort)((raw >> (j * 4)) & 15);
                    list.Add((nibble, (ushort)(nibble + 1), true));
                }
            }
        }
    }

    /// <summary>Official <c>flush</c> and <c>get_encoded_stream</c>: codes each sub-stream last-first and frames the payload.</summary>
    public byte[] Flush()
    {
        var streams = new List<byte[]>();
        int maximum = 0;
        foreach (List<(ushort Start, ushort Range, bool Bypass)> list in _symbols)
        {
            var output = new uint[list.Count + 2];
            int pointer = output.Length;
            ulong x = Rans64.L;
            for (int i = list.Count - 1; i >= 0; i--)
            {
                (ushort start, ushort range, bool bypass) = list[i];
                if (!bypass)
                {
                    ulong xMax = ((Rans64.L >> 16) << 32) * range;
                    if (x >= xMax)
                    {
                        output[--pointer] = (uint)x;
                        x >>= 32;
                    }
                    x = ((x / range) << 16) + (x % range) + start;
                }
                else
                {
                    ulong xMax = ((Rans64.L >> 16) << 32) * (1u << 12);
                    if (x >= xMax)
                    {
                        output[--pointer] = (uint)x;
                        x >>= 32;
                    }
                    x = (x << 4) | start;
                }
            }
            output[--pointer] = (uint)(x >> 32);
            output[--pointer] = (uint)x;
            byte[] bytes = new byte[(output.Length - pointer) * 4];
            Buffer.BlockCopy(output, pointer * 4, bytes, 0, bytes.Length);
            streams.Add(bytes);
            list.Clear();
        }
        for (int i = 0; i < streams.Count - 1; i++)
            maximum = Math.Max(maximum, streams[i].Length);
        int sizeBytes = maximum > 65535 ? 4 : 2;
        using var payload = new MemoryStream();
        payload.WriteByte((byte)(((streams.Count - 1) << 4) + (sizeBytes == 2 ? 1 : 0)));
        for (int i = 0; i < streams.Count - 1; i++)
        {
            byte[] size = sizeBytes == 2 ? BitConverter.GetBytes((ushort)streams[i].Length) : BitConverter.GetBytes(streams[i].Length);
            payload.Write(size);
        }
        foreach (byte[] stream in streams)
            payload.Write(stream);
        return payload.ToArray();
    }
}

/// <summary>
/// A literal port of the official decoder (<c>RansDecoderLib::decode_stream</c>): a linear search of the CDF per symbol.
/// The yardstick for <see cref="RansDecoder"/>. Assumes a valid stream; not for production use.
/// </summary>
public sealed class OfficialRansDecoder
{
    private readonly List<(uint[] Words, int Position, ulong X)> _streams = [];

    /// <summary>Official <c>set_stream</c>.</summary>
    public void SetStream(ReadOnlySpan<byte> payload)
    {
        _streams.Clear();
        int count = (payload[0] >> 4) + 1;
        int sizeBytes = (payload[0] & 0x0F) == 1 ? 2 : 4;
        int offset = 1 + (count - 1) * sizeBytes;
        var sizes = new int[count];
        int known = 0;
        for (int i = 0; i < count - 1; i++)
        {
            sizes[i] = sizeBytes == 2 ? BitConverter.ToUInt16(payload.Slice(1 + 2 * i)) : (int)BitConverter.ToUInt32(payload.Slice(1 + 4 * i));
            known += sizes[i];
        }
        sizes[count - 1] = payload.Length - offset - known;
        for (int i = 0; i < count; i++)
        {
            var words = new uint[sizes[i] / 4];
            Buffer.BlockCopy(payload.Slice(offset, sizes[i]).ToArray(), 0, words, 0, words.Length * 4);
            _streams.Add((words, 2, words[0] | ((ulong)words[1] << 32)));
            offset += sizes[i];
        }
    }

    /// <summary>Official <c>decode_stream</c>.</summary>
    public void Decode(ReadOnlySpan<byte> indexes, CdfTable table, Span<int> symbols)
    {
        ArgumentNullException.ThrowIfNull(table);
        int parts = _streams.Count;
        int perStream = indexes.Length / parts;
        for (int p = 0; p < parts; p++)
        {
            (uint[] words, int position, ulong x) = _streams[p];
            int begin = p * perStream;
            int count = p == parts - 1 ? indexes.Length - begin : perStream;
            for (int i = begin; i < begin + count; i++)
            {
                int row = indexes[i];
                ReadOnlySpan<int> cdf = table.GetCdf(row);
                int maxValue = table.GetCdfLength(row) - 2;
                uint cumulative = (uint)(x & 0xFFFF);
                int s = 0;
                while (s + 1 < cdf.Length && (uint)cdf[s + 1] <= cumulative)
                    s++;
                x = (uint)(cdf[s + 1] - cdf[s]) * (x >> 16) + cumulative - (uint)cdf[s];
                if (x < Rans64.L)
                    x = (x << 32) | words[position++];
                int value = s;
                if (value == maxValue)
                {
                    int nibble = GetBits(ref x, words, ref position);
                    int nibbles = nibble;
                    while (nibble == 15)
                    {
                        nibble = GetBits(ref x, words, ref position);
                        nibbles += nibble;
                    }
                    int raw = 0;
                    for (int j = 0; j < nibbles; j++)
                        raw |= GetBits(ref x, words, ref position) << (j * 4);
                    value = raw >> 1;
                    value = (raw & 1) != 0 ? -value - 1 : value + maxValue;
                }
                symbols[i] = value + table.GetOffset(row);
            }
            _streams[p] = (words, position, x);
        }
    }

    private static int GetBits(ref ulong x, uint[] words, ref int position)
    {
        int value = (int)(x & 15);
        x >>= 4;
        if (x < Rans64.L)
            x = (x << 32) | words[position++];
        return value;
    }
}
