using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EVC.Stream.Entropy;

/// <summary>
/// Decodes payloads of the official EVC rANS coder (<c>RansDecoder.decode_stream</c>): the same calls, in the same
/// order, with the same indexes and tables as the encoder made. Each sub-stream keeps its state across calls.
/// </summary>
/// <remarks>
/// Corrupt or truncated input never hangs or reads out of bounds: work per symbol is bounded, running out of words
/// throws <see cref="EntropyCodingException"/>, and <see cref="Finish"/> checks that every sub-stream ended exactly
/// where a valid stream ends. Symbols are found with a 1024-entry lookup per row plus a short forward step, never a
/// linear scan of the CDF; two sub-streams are decoded interleaved so their dependency chains overlap.
/// Reuse one decoder per thread: its word buffer is pooled and decoding allocates nothing.
/// </remarks>
public sealed class RansDecoder : IDisposable
{
    // Enough for a 32-bit value (8 nibbles); the official encoder never writes more for int16/int32 symbols.
    private const int MaxBypassNibbles = 8;

    private uint[] _words = [];
    private StreamState[] _states = [];
    private int _subStreams;

    /// <summary>Number of sub-streams in the current payload.</summary>
    public int SubStreamCount => _subStreams;

    /// <summary>Parses a payload (flag byte, sub-stream sizes, sub-streams) and starts every sub-stream.</summary>
    /// <exception cref="EntropyCodingException">The framing is inconsistent with the payload length.</exception>
    public void SetStream(ReadOnlySpan<byte> payload)
    {
        _subStreams = 0;
        if (payload.Length < 1)
            EntropyThrow.Corrupt("the payload is empty");
        byte flag = payload[0];
        int count = (flag >> 4) + 1;
        int sizeBytes = (flag & 0x0F) == 1 ? 2 : 4;
        int offset = 1 + (count - 1) * sizeBytes;
        if (offset > payload.Length)
            EntropyThrow.Corrupt($"the header of {count} sub-streams does not fit in {payload.Length} bytes");

        Span<int> sizes = stackalloc int[RansEncoder.MaxSubStreams];
        long known = 0;
        for (int i = 0; i < count - 1; i++)
        {
            long size = sizeBytes == 2
                ? BinaryPrimitives.ReadUInt16LittleEndian(payload.Slice(1 + 2 * i))
                : BinaryPrimitives.ReadUInt32LittleEndian(payload.Slice(1 + 4 * i));
            known += size;
            if (offset + known > payload.Length)
                EntropyThrow.Corrupt($"sub-stream {i} claims {size} bytes beyond the end of the payload");
            sizes[i] = (int)size;
        }
        sizes[count - 1] = payload.Length - offset - (int)known;

        if (_states.Length < count)
            _states = new StreamState[RansEncoder.MaxSubStreams];
        RansEncoder.EnsureCapacity(ref _words, (payload.Length - offset) / sizeof(uint) + 1);
        int word = 0;
        for (int i = 0; i < count; i++)
        {
            int size = sizes[i];
            if (size < 2 * sizeof(uint) || size % sizeof(uint) != 0)
                EntropyThrow.Corrupt($"sub-stream {i} has {size} bytes (a valid one has a multiple of 4, at least 8)");
            ReadOnlySpan<byte> bytes = payload.Slice(offset, size);
            int wordCount = size / sizeof(uint);
            for (int w = 0; w < wordCount; w++)
                _words[word + w] = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(w * sizeof(uint)));
            _states[i] = new StreamState
            {
                X = _words[word] | ((ulong)_words[word + 1] << 32),
                Position = word + 2,
                End = word + wordCount,
            };
            word += wordCount;
            offset += size;
        }
        _subStreams = count;
    }

    /// <summary>
    /// Decodes <c>indexes.Length</c> symbols into <paramref name="symbols"/>, symbol i with row <c>indexes[i]</c> of
    /// <paramref name="table"/>, split across the sub-streams exactly as <see cref="RansEncoder.Encode"/> split them.
    /// </summary>
    /// <exception cref="EntropyCodingException">The stream is corrupt or truncated, or an index is outside the table.</exception>
    public void Decode(ReadOnlySpan<byte> indexes, CdfTable table, Span<int> symbols)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (_subStreams == 0)
            throw new InvalidOperationException("Call SetStream before Decode.");
        if (symbols.Length < indexes.Length)
            throw new ArgumentException($"The destination holds {symbols.Length} symbols but {indexes.Length} are to be decoded.", nameof(symbols));

        int parts = _subStreams;
        int perStream = indexes.Length / parts;
        if (parts == 2 && indexes.Length == 2 * perStream)
        {
            DecodeInterleaved(ref _states[0], ref _states[1], indexes.Slice(0, perStream), indexes.Slice(perStream, perStream),
                table, symbols.Slice(0, perStream), symbols.Slice(perStream, perStream));
            return;
        }
        for (int p = 0; p < parts; p++)
        {
            int start = p * perStream;
            int count = p == parts - 1 ? indexes.Length - start : perStream;
            DecodeRange(ref _states[p], p, indexes.Slice(start, count), table, symbols.Slice(start, count));
        }
    }

    /// <summary>
    /// Checks that every sub-stream was consumed exactly and returned to the encoder's initial state, as a valid stream
    /// does after its last symbol. Catches corruption that decoded to plausible symbols.
    /// </summary>
    /// <exception cref="EntropyCodingException">A sub-stream has words left over or ended in the wrong state.</exception>
    public void Finish()
    {
        for (int i = 0; i < _subStreams; i++)
        {
            ref StreamState state = ref _states[i];
            if (state.Position != state.End)
                EntropyThrow.Corrupt($"sub-stream {i} has {state.End - state.Position} words left after the last symbol");
            if (state.X != Rans64.L)
                EntropyThrow.Corrupt($"sub-stream {i} ended in state 0x{state.X:x16}, not the initial state");
        }
    }

    /// <summary>Returns the pooled buffer.</summary>
    public void Dispose()
    {
        if (_words.Length > 0)
            ArrayPool<uint>.Shared.Return(_words);
        _words = [];
        _subStreams = 0;
    }

    private void DecodeRange(ref StreamState state, int stream, ReadOnlySpan<byte> indexes, CdfTable table, Span<int> symbols)
    {
        ulong x = state.X;
        int position = state.Position;
        int end = state.End;
        int rows = table.RowCount;
        ref RowInfo firstRow = ref MemoryMarshal.GetArrayDataReference(table.Rows);
        ref uint cumulative = ref MemoryMarshal.GetArrayDataReference(table.Cumulative);
        ref byte lookup = ref MemoryMarshal.GetArrayDataReference(table.DecodeLookup);
        ref uint words = ref MemoryMarshal.GetArrayDataReference(_words);

        for (int i = 0; i < indexes.Length; i++)
        {
            int index = indexes[i];
            if (index >= rows)
                EntropyThrow.IndexOutOfTable(index, rows);
            ref RowInfo row = ref Unsafe.Add(ref firstRow, index);
            uint slot = (uint)x & (Rans64.ProbabilityScale - 1);
            int s = Unsafe.Add(ref lookup, row.LookupBase + (int)(slot >> CdfTable.LookupShift));
            ref uint cdf = ref Unsafe.Add(ref cumulative, row.CumulativeBase);
            while (Unsafe.Add(ref cdf, s + 1) <= slot)
                s++;
            uint start = Unsafe.Add(ref cdf, s);
            x = (Unsafe.Add(ref cdf, s + 1) - start) * (x >> Rans64.ScaleBits) + slot - start;
            if (x < Rans64.L)
            {
                if (position >= end)
                    EntropyThrow.Truncated(stream);
                x = (x << 32) | Unsafe.Add(ref words, position++);
            }
            symbols[i] = s == row.MaxValue
                ? DecodeEscape(ref x, ref position, end, stream, row.MaxValue, row.Offset)
                : s + row.Offset;
        }
        state.X = x;
        state.Position = position;
    }

    /// <summary>Two sub-streams at once: the same steps as <see cref="DecodeRange"/>, with independent chains side by side.</summary>
    private void DecodeInterleaved(ref StreamState stateA, ref StreamState stateB,
        ReadOnlySpan<byte> indexesA, ReadOnlySpan<byte> indexesB, CdfTable table, Span<int> symbolsA, Span<int> symbolsB)
    {
        ulong xa = stateA.X, xb = stateB.X;
        int positionA = stateA.Position, positionB = stateB.Position;
        int endA = stateA.End, endB = stateB.End;
        int rows = table.RowCount;
        ref RowInfo firstRow = ref MemoryMarshal.GetArrayDataReference(table.Rows);
        ref uint cumulative = ref MemoryMarshal.GetArrayDataReference(table.Cumulative);
        ref byte lookup = ref MemoryMarshal.GetArrayDataReference(table.DecodeLookup);
        ref uint words = ref MemoryMarshal.GetArrayDataReference(_words);
        const uint SlotMask = Rans64.ProbabilityScale - 1;

        for (int i = 0; i < indexesA.Length; i++)
        {
            int indexA = indexesA[i];
            int indexB = indexesB[i];
            if ((uint)Math.Max(indexA, indexB) >= (uint)rows)
                EntropyThrow.IndexOutOfTable(Math.Max(indexA, indexB), rows);
            ref RowInfo rowA = ref Unsafe.Add(ref firstRow, indexA);
            ref RowInfo rowB = ref Unsafe.Add(ref firstRow, indexB);
            uint slotA = (uint)xa & SlotMask;
            uint slotB = (uint)xb & SlotMask;
            int sa = Unsafe.Add(ref lookup, rowA.LookupBase + (int)(slotA >> CdfTable.LookupShift));
            int sb = Unsafe.Add(ref lookup, rowB.LookupBase + (int)(slotB >> CdfTable.LookupShift));
            ref uint cdfA = ref Unsafe.Add(ref cumulative, rowA.CumulativeBase);
            ref uint cdfB = ref Unsafe.Add(ref cumulative, rowB.CumulativeBase);
            while (Unsafe.Add(ref cdfA, sa + 1) <= slotA)
                sa++;
            while (Unsafe.Add(ref cdfB, sb + 1) <= slotB)
                sb++;
            uint startA = Unsafe.Add(ref cdfA, sa);
            uint startB = Unsafe.Add(ref cdfB, sb);
            xa = (Unsafe.Add(ref cdfA, sa + 1) - startA) * (xa >> Rans64.ScaleBits) + slotA - startA;
            xb = (Unsafe.Add(ref cdfB, sb + 1) - startB) * (xb >> Rans64.ScaleBits) + slotB - startB;
            if (xa < Rans64.L)
            {
                if (positionA >= endA)
                    EntropyThrow.Truncated(0);
                xa = (xa << 32) | Unsafe.Add(ref words, positionA++);
            }
            if (xb < Rans64.L)
            {
                if (positionB >= endB)
                    EntropyThrow.Truncated(1);
                xb = (xb << 32) | Unsafe.Add(ref words, positionB++);
            }
            symbolsA[i] = sa == rowA.MaxValue
                ? DecodeEscape(ref xa, ref positionA, endA, 0, rowA.MaxValue, rowA.Offset)
                : sa + rowA.Offset;
            symbolsB[i] = sb == rowB.MaxValue
                ? DecodeEscape(ref xb, ref positionB, endB, 1, rowB.MaxValue, rowB.Offset)
                : sb + rowB.Offset;
        }
        stateA.X = xa;
        stateA.Position = positionA;
        stateB.X = xb;
        stateB.Position = positionB;
    }

    /// <summary>The bypass code after an escape symbol: nibble count (a run of 15s plus a remainder), then the raw nibbles.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int DecodeEscape(ref ulong x, ref int position, int end, int stream, int maxValue, int offset)
    {
        uint nibble = ReadNibble(ref x, ref position, end, stream);
        int nibbles = (int)nibble;
        while (nibble == Rans64.MaxBypassValue)
        {
            nibble = ReadNibble(ref x, ref position, end, stream);
            nibbles += (int)nibble;
            if (nibbles > MaxBypassNibbles)
                break;
        }
        if (nibbles > MaxBypassNibbles)
            EntropyThrow.Corrupt($"an escaped value in sub-stream {stream} claims {nibbles} nibbles");

        ulong raw = 0;
        for (int j = 0; j < nibbles; j++)
            raw |= (ulong)ReadNibble(ref x, ref position, end, stream) << (j * Rans64.BypassBits);

        long value = (long)(raw >> 1);
        value = (raw & 1) != 0 ? -value - 1 : value + maxValue;
        value += offset;
        if (value > int.MaxValue || value < int.MinValue)
            EntropyThrow.Corrupt($"an escaped value in sub-stream {stream} is out of range");
        return (int)value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint ReadNibble(ref ulong x, ref int position, int end, int stream)
    {
        uint nibble = (uint)x & Rans64.MaxBypassValue;
        x >>= Rans64.BypassBits;
        if (x < Rans64.L)
        {
            if (position >= end)
                EntropyThrow.Truncated(stream);
            x = (x << 32) | _words[position++];
        }
        return nibble;
    }

    private struct StreamState
    {
        public ulong X;
        public int Position;
        public int End;
    }
}
