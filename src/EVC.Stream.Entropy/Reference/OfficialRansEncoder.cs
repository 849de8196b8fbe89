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
