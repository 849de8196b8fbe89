namespace EVC.Stream.Entropy.Reference;

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
