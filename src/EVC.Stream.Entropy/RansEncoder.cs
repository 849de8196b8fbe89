using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EVC.Stream.Entropy;

/// <summary>
/// The official EVC rANS encoder (<c>RansEncoder(streamPart)</c> over ryg's <c>rans64</c>), byte for byte:
/// every <see cref="Encode"/> call splits its symbols into <see cref="SubStreamCount"/> consecutive parts, one per
/// sub-stream; symbols are buffered and coded last-first at <see cref="Flush"/> so the decoder reads forward;
/// values outside a row's range are escaped with the official 4-bit bypass scheme.
/// </summary>
/// <remarks>
/// Reuse one encoder per thread: after the first frames its pooled buffers have grown and coding allocates nothing.
/// Not thread-safe. Divisions are replaced by exact reciprocals (ryg's <c>Rans64EncPutSymbol</c>); the output is identical.
/// </remarks>
public sealed class RansEncoder : IDisposable
{
    /// <summary>Largest symbol magnitude accepted (symbols are int16 in EVC; the bypass code carries far more).</summary>
    public const int MaxAbsSymbol = 1 << 24;

    /// <summary>The sub-stream count EVC uses (the official Python wrapper hard-codes 2).</summary>
    public const int DefaultSubStreams = 2;

    /// <summary>Most sub-streams the payload's 4-bit count can describe.</summary>
    public const int MaxSubStreams = 16;

    // Buffered entries: a slot in the table's EncodeSymbols, or BypassFlag | nibble.
    private const uint BypassFlag = 0x8000_0000;

    private readonly SubStream[] _streams;
    private byte[] _payload = [];
    private int _payloadLength;
    private bool _flushed;

    /// <summary>Creates an encoder writing <paramref name="subStreams"/> sub-streams (EVC: 2).</summary>
    public RansEncoder(int subStreams = DefaultSubStreams)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subStreams, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(subStreams, MaxSubStreams);
        _streams = new SubStream[subStreams];
        for (int i = 0; i < subStreams; i++)
            _streams[i] = new SubStream();
    }

    /// <summary>Number of sub-streams each call is split across.</summary>
    public int SubStreamCount => _streams.Length;

    /// <summary>
    /// Buffers <paramref name="symbols"/>, symbol i coded with row <c>indexes[i]</c> of <paramref name="table"/>
    /// (official <c>encode_with_indexes</c>). The first <c>n / SubStreamCount</c> symbols go to sub-stream 0, and so on;
    /// the last sub-stream takes the remainder.
    /// </summary>
    /// <exception cref="EntropyCodingException">Lengths differ, an index is outside the table, or a symbol is out of range.</exception>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Encode(ReadOnlySpan<int> symbols, ReadOnlySpan<byte> indexes, CdfTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (symbols.Length != indexes.Length)
            EntropyThrow.LengthMismatch(symbols.Length, indexes.Length);
        if (_flushed)
            Reset();

        int parts = _streams.Length;
        int perStream = symbols.Length / parts;
        for (int p = 0; p < parts; p++)
        {
            int start = p * perStream;
            int count = p == parts - 1 ? symbols.Length - start : perStream;
            _streams[p].Append(symbols.Slice(start, count), indexes.Slice(start, count), table);
        }
    }

    /// <summary>
    /// Codes everything buffered since the last reset and returns the payload: a flag byte
    /// (<c>(n-1) &lt;&lt; 4 | 1</c> for 2-byte sizes), the little-endian sizes of sub-streams 0..n-2, then the sub-streams.
    /// The returned memory stays valid until the next <see cref="Encode"/> or <see cref="Reset"/>.
    /// </summary>
    public ReadOnlySpan<byte> Flush()
    {
        if (_flushed)
            return _payload.AsSpan(0, _payloadLength);

        int parts = _streams.Length;
        int maximumSize = 0;
        int totalSize = 0;
        for (int p = 0; p < parts; p++)
        {
            int bytes = _streams[p].Code() * sizeof(uint);
            if (p < parts - 1)
                maximumSize = Math.Max(maximumSize, bytes);
            totalSize += bytes;
        }

        int sizeBytes = maximumSize > ushort.MaxValue ? 4 : 2;
        int overhead = 1 + (parts - 1) * sizeBytes;
        EnsureCapacity(ref _payload, overhead + totalSize);
        Span<byte> payload = _payload;
        payload[0] = (byte)(((parts - 1) << 4) | (sizeBytes == 2 ? 1 : 0));
        int position = overhead;
        for (int p = 0; p < parts; p++)
        {
            ReadOnlySpan<byte> words = MemoryMarshal.AsBytes(_streams[p].Output);
            if (p < parts - 1)
            {
                if (sizeBytes == 2)
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(payload.Slice(1 + 2 * p), (ushort)words.Length);
                else
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(payload.Slice(1 + 4 * p), (uint)words.Length);
            }
            if (BitConverter.IsLittleEndian)
            {
                words.CopyTo(payload.Slice(position));
            }
            else
            {
                ReadOnlySpan<uint> source = _streams[p].Output;
                for (int i = 0; i < source.Length; i++)
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(payload.Slice(position + 4 * i), source[i]);
            }
            position += words.Length;
        }
        _payloadLength = position;
        _flushed = true;
        return payload.Slice(0, position);
    }

    /// <summary>Forgets everything buffered; pooled buffers are kept for the next frame.</summary>
    public void Reset()
    {
        foreach (SubStream stream in _streams)
            stream.Reset();
        _payloadLength = 0;
        _flushed = false;
    }

    /// <summary>Returns the pooled buffers.</summary>
    public void Dispose()
    {
        foreach (SubStream stream in _streams)
            stream.Dispose();
        if (_payload.Length > 0)
            ArrayPool<byte>.Shared.Return(_payload);
        _payload = [];
    }

    internal static void EnsureCapacity<T>(ref T[] buffer, int needed)
    {
        if (buffer.Length >= needed)
            return;
        T[] larger = ArrayPool<T>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
        buffer.AsSpan().CopyTo(larger);
        if (buffer.Length > 0)
            ArrayPool<T>.Shared.Return(buffer);
        buffer = larger;
    }

    /// <summary>One sub-stream: its buffered entries, the table of each call, and its coded words.</summary>
    private sealed class SubStream : IDisposable
    {
        private uint[] _entries = [];
        private int _count;
        private readonly List<(int Start, CdfTable Table)> _segments = new(4);
        private uint[] _words = [];
        private int _outputStart;
        private int _outputEnd;

        public ReadOnlySpan<uint> Output => _words.AsSpan(_outputStart, _outputEnd - _outputStart);

        public void Reset()
        {
            _count = 0;
            _segments.Clear();
            _outputStart = _outputEnd = 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Append(ReadOnlySpan<int> symbols, ReadOnlySpan<byte> indexes, CdfTable table)
        {
            _segments.Add((_count, table));
            // Typical calls need one entry per symbol; escapes grow the buffer on their own path.
            EnsureCapacity(ref _entries, _count + symbols.Length + 16);
            int rows = table.RowCount;
            ref RowInfo firstRow = ref MemoryMarshal.GetArrayDataReference(table.Rows);
            uint[] entries = _entries;
            int count = _count;
            for (int i = 0; i < symbols.Length; i++)
            {
                int index = indexes[i];
                if (index >= rows)
                    EntropyThrow.IndexOutOfTable(index, rows);
                ref RowInfo row = ref Unsafe.Add(ref firstRow, index);
                int value = symbols[i] - row.Offset;
                if ((uint)value < (uint)row.MaxValue)
                {
                    entries[count++] = (uint)(row.SymbolBase + value);
                }
                else
                {
                    count = AppendEscape(symbols[i], value, in row, count, symbols.Length - i);
                    entries = _entries;
                }
            }
            _count = count;
        }

        /// <summary>The escape symbol, then the nibble count as a run of 15s plus a remainder, then the raw nibbles.</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private int AppendEscape(int symbol, int value, in RowInfo row, int count, int remaining)
        {
            if (symbol > MaxAbsSymbol || symbol < -MaxAbsSymbol)
                EntropyThrow.SymbolTooLarge(symbol);
            // 1 escape + at most 1 count + 7 nibbles for |value| < 2^26, plus room for the rest of the call.
            EnsureCapacity(ref _entries, count + 16 + remaining);
            uint raw = value < 0 ? (uint)(-2 * value - 1) : (uint)(2 * (value - row.MaxValue));
            _entries[count++] = (uint)(row.SymbolBase + row.MaxValue);

            int nibbles = 0;
            while ((raw >> (nibbles * Rans64.BypassBits)) != 0)
                nibbles++;
            int countValue = nibbles;
            while (countValue >= Rans64.MaxBypassValue)
            {
                _entries[count++] = BypassFlag | Rans64.MaxBypassValue;
                countValue -= Rans64.MaxBypassValue;
            }
            _entries[count++] = BypassFlag | (uint)countValue;
            for (int j = 0; j < nibbles; j++)
                _entries[count++] = BypassFlag | ((raw >> (j * Rans64.BypassBits)) & Rans64.MaxBypassValue);
            return count;
        }

        /// <summary>Codes the buffered entries last-first (official <c>flush</c>); returns the word count.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public int Code()
        {
            // Every entry emits at most one word, plus the two flush words.
            EnsureCapacity(ref _words, _count + 2);
            uint[] words = _words;
            int pointer = _count + 2;
            ulong x = Rans64.L;
            int end = _count;
            for (int s = _segments.Count - 1; s >= 0; s--)
            {
                (int start, CdfTable table) = _segments[s];
                ref RansEncSymbol firstSymbol = ref MemoryMarshal.GetArrayDataReference(table.EncodeSymbols);
                ref uint entry = ref MemoryMarshal.GetArrayDataReference(_entries);
                for (int i = end - 1; i >= start; i--)
                {
                    uint e = Unsafe.Add(ref entry, i);
                    if ((e & BypassFlag) == 0)
                    {
                        ref RansEncSymbol symbol = ref Unsafe.Add(ref firstSymbol, (int)e);
                        if (x >= Rans64.XMaxPerFrequency * symbol.Frequency)
                        {
                            words[--pointer] = (uint)x;
                            x >>= 32;
                        }
                        ulong q = Rans64.MulHi(x, symbol.ReciprocalFrequency) >> symbol.ReciprocalShift;
                        x = x + symbol.Bias + q * symbol.ComplementFrequency;
                    }
                    else
                    {
                        if (x >= Rans64.BypassXMax)
                        {
                            words[--pointer] = (uint)x;
                            x >>= 32;
                        }
                        x = (x << Rans64.BypassBits) | (e & Rans64.MaxBypassValue);
                    }
                }
                end = start;
            }
            words[--pointer] = (uint)(x >> 32);
            words[--pointer] = (uint)x;
            _outputStart = pointer;
            _outputEnd = _count + 2;
            return _outputEnd - _outputStart;
        }

        public void Dispose()
        {
            if (_entries.Length > 0)
                ArrayPool<uint>.Shared.Return(_entries);
            if (_words.Length > 0)
                ArrayPool<uint>.Shared.Return(_words);
            _entries = [];
            _words = [];
        }
    }
}
