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
/// where a valid stream ends. Symbols are found with a 256-bucket lookup per row plus a short forward step, never a
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Decode(ReadOnlySpan<byte> indexes, CdfTable table, Span<int> symbols)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (_subStreams == 0)
            throw new InvalidOperationException("Call SetStream before Decode.");
        if (symbols.Length < indexes.Length)
            throw new ArgumentException($"The destination holds {symbols.Length} symbols but {indexes.Length} are to be decoded.", nameof(symbols));

        int parts = _subStreams;
        int perStream = indexes.Length / parts;
        // One vectorised pass validates every index, so the decoding loops need no per-symbol check.
        if (table.RowCount <= byte.MaxValue)
        {
            int bad = indexes.IndexOfAnyInRange((byte)table.RowCount, byte.MaxValue);
            if (bad >= 0)
                EntropyThrow.IndexOutOfTable(indexes[bad], table.RowCount);
        }
        if (parts == 2 && indexes.Length == 2 * perStream)
        {
            DecodeInterleaved(ref _states[0], ref _states[1], indexes, table, symbols);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DecodeRange(ref StreamState state, int stream, ReadOnlySpan<byte> indexes, CdfTable table, Span<int> symbols)
    {
        ref int output = ref MemoryMarshal.GetReference(symbols);
        for (int i = 0; i < indexes.Length; i++)
        {
            int index = indexes[i];
            Unsafe.Add(ref output, i) = DecodeSymbol(ref state, stream, index, table);
        }
    }

    /// <summary>
    /// Two sub-streams at once in one thread, so their independent dependency chains overlap: the hot loop
    /// (<see cref="DecodeFastPairs"/>) runs until a pair needs the general path, which <see cref="DecodeSymbol"/> takes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DecodeInterleaved(ref StreamState stateA, ref StreamState stateB, ReadOnlySpan<byte> indexes, CdfTable table, Span<int> symbols)
    {
        // Sub-stream A decodes the first half of the call, B the second: symbol i of A pairs with symbol i + half of B.
        int half = indexes.Length / 2;
        bool useDominant = PreferDominantTest(indexes, table);
        int i = 0;
        while (true)
        {
            unsafe
            {
                fixed (uint* entries = table.DecodeEntries)
                fixed (short* values = table.DecodeValues)
                fixed (byte* lookup = table.DecodeLookup)
                fixed (uint* cumulative = table.Cumulative)
                fixed (RowInfo* rows = table.Rows)
                fixed (ulong* mostProbable = table.MostProbable)
                fixed (uint* words = _words)
                fixed (byte* index = indexes)
                fixed (int* output = symbols)
                {
                    var tables = new FastTables(entries, values, lookup, cumulative, rows, mostProbable, table.CumulativeShift, table.MostProbableRows);
                    i = useDominant
                        ? DecodeFastPairs<TestDominantSymbol>(ref stateA, ref stateB, in tables, words, index, output, i, half)
                        : DecodeFastPairs<LookupOnly>(ref stateA, ref stateB, in tables, words, index, output, i, half);
                }
            }
            if (i >= half)
                return;
            // A pair that needs the general path: an escape, or a value wider than 16 bits.
            symbols[i] = DecodeSymbol(ref stateA, 0, indexes[i], table);
            symbols[i + half] = DecodeSymbol(ref stateB, 1, indexes[i + half], table);
            i++;
        }
    }

    /// <summary>Selects the <see cref="DecodeFastPairs"/> variant that tests a row's dominant symbol before the lookup.</summary>
    private struct TestDominantSymbol;

    /// <summary>Selects the <see cref="DecodeFastPairs"/> variant that always uses the lookup.</summary>
    private struct LookupOnly;

    /// <summary>
    /// Testing the dominant symbol first pays when it is hit most of the time (a mispredicted branch costs more than the
    /// lookup it saves), so a sample of the call's indexes decides: the mean dominant share of their rows.
    /// </summary>
    internal static bool PreferDominantTest(ReadOnlySpan<byte> indexes, CdfTable table)
    {
        if (table.MostProbableRows == 0 || indexes.Length == 0)
            return false;
        const int Samples = 1024;
        int step = Math.Max(1, indexes.Length / Samples);
        long sum = 0;
        int count = 0;
        ushort[] share = table.DominantShare;
        for (int i = 0; i < indexes.Length; i += step)
        {
            sum += share[indexes[i]];
            count++;
        }
        return sum >= (long)DominantTestShare * count;
    }

    /// <summary>Mean dominant-symbol share (of 2^16) above which the dominant test is used; tuned with bench entropy.</summary>
    internal const int DominantTestShare = 60000;

    /// <summary>Pinned table arrays for <see cref="DecodeFastPairs"/>.</summary>
    private readonly unsafe struct FastTables(uint* entries, short* values, byte* lookup, uint* cumulative, RowInfo* rows, ulong* mostProbable, int cumulativeShift, int mostProbableRows)
    {
        public readonly uint* Entries = entries;
        public readonly short* Values = values;
        public readonly byte* Lookup = lookup;
        public readonly uint* Cumulative = cumulative;
        public readonly RowInfo* Rows = rows;
        public readonly ulong* MostProbable = mostProbable;
        public readonly int CumulativeShift = cumulativeShift;
        public readonly uint MostProbableRows = (uint)mostProbableRows;
    }

    /// <summary>
    /// The hot loop over pairs (<typeparamref name="TVariant"/>: <see cref="TestDominantSymbol"/> or <see cref="LookupOnly"/>): no calls (only throws) and few live values, so both states stay in registers.
    /// A bucket shared by several symbols is resolved in place with a short forward step through the row's CDF.
    /// Returns the first pair it cannot finish here (an escape or a value wider than 16 bits), or <paramref name="half"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int DecodeFastPairs<TVariant>(ref StreamState stateA, ref StreamState stateB, in FastTables tables,
        uint* words, byte* index, int* output, int start, int half)
    {
        const uint SlotMask = Rans64.ProbabilityScale - 1;
        uint* entries = tables.Entries;
        short* values = tables.Values;
        ulong* mostProbable = tables.MostProbable;
        uint probableRows = tables.MostProbableRows;
        ulong xa = stateA.X, xb = stateB.X;
        uint* positionA = words + stateA.Position;
        uint* positionB = words + stateB.Position;
        uint* endA = words + stateA.End;
        uint* endB = words + stateB.End;
        byte* indexB = index + half;
        int* outputB = output + half;
        int i = start;
        for (; i < half; i++)
        {
            uint rowA = index[i];
            uint rowB = indexB[i];
            uint entryA, entryB;
            int valueA, valueB;
            ulong probableA, probableB;
            if (typeof(TVariant) == typeof(TestDominantSymbol) && rowA < probableRows
                && ((uint)xa & SlotMask) - ((uint)(probableA = mostProbable[rowA]) & 0xFFFF) < (((uint)probableA >> 16) & 0xFFFF))
            {
                entryA = (uint)probableA;
                valueA = (int)(probableA >> 32);
            }
            else
            {
                uint bucketA = (rowA << CdfTable.LookupBits) + (((uint)xa & SlotMask) >> CdfTable.LookupShift);
                entryA = entries[bucketA];
                valueA = values[bucketA];
                if (entryA == 0)
                {
                    ulong resolved = ResolveBucket(in tables, (int)rowA, (uint)xa & SlotMask, bucketA);
                    if (resolved == 0)
                        break;
                    entryA = (uint)resolved;
                    valueA = (int)(resolved >> 32);
                }
            }
            if (typeof(TVariant) == typeof(TestDominantSymbol) && rowB < probableRows
                && ((uint)xb & SlotMask) - ((uint)(probableB = mostProbable[rowB]) & 0xFFFF) < (((uint)probableB >> 16) & 0xFFFF))
            {
                entryB = (uint)probableB;
                valueB = (int)(probableB >> 32);
            }
            else
            {
                uint bucketB = (rowB << CdfTable.LookupBits) + (((uint)xb & SlotMask) >> CdfTable.LookupShift);
                entryB = entries[bucketB];
                valueB = values[bucketB];
                if (entryB == 0)
                {
                    ulong resolved = ResolveBucket(in tables, (int)rowB, (uint)xb & SlotMask, bucketB);
                    if (resolved == 0)
                        break;
                    entryB = (uint)resolved;
                    valueB = (int)(resolved >> 32);
                }
            }
            xa = (entryA >> 16) * (xa >> Rans64.ScaleBits) + ((uint)xa & SlotMask) - (entryA & 0xFFFF);
            xb = (entryB >> 16) * (xb >> Rans64.ScaleBits) + ((uint)xb & SlotMask) - (entryB & 0xFFFF);
            if (xa < Rans64.L)
            {
                if (positionA >= endA)
                    EntropyThrow.Truncated(0);
                xa = (xa << 32) | *positionA++;
            }
            if (xb < Rans64.L)
            {
                if (positionB >= endB)
                    EntropyThrow.Truncated(1);
                xb = (xb << 32) | *positionB++;
            }
            output[i] = valueA;
            outputB[i] = valueB;
        }
        stateA.X = xa;
        stateA.Position = (int)(positionA - words);
        stateB.X = xb;
        stateB.Position = (int)(positionB - words);
        return i;
    }

    /// <summary>
    /// The symbol of a slot in a bucket shared by several symbols: <c>start | freq &lt;&lt; 16</c> in the low half and the
    /// value in the high half, or 0 when it needs the general path (the escape symbol, or a value wider than 16 bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe ulong ResolveBucket(in FastTables tables, int index, uint slot, uint bucket)
    {
        uint* cdf = tables.Cumulative + ((nint)index << tables.CumulativeShift);
        RowInfo* row = tables.Rows + index;
        int s = FindInBucket(ref *cdf, ref *tables.Lookup, bucket, slot, row->MaxValue);
        int candidate = s + row->Offset;
        if (s == row->MaxValue || candidate <= short.MinValue || candidate > short.MaxValue)
            return 0;
        return (cdf[s] | ((cdf[s + 1] - cdf[s]) << 16)) | ((ulong)(uint)candidate << 32);
    }

    /// <summary>
    /// One symbol. Fast path: the bucket of the 16-bit slot holds a single symbol, so one load gives its start and
    /// frequency. Otherwise the bucket's first symbol starts a short forward step through the row's CDF.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int DecodeSymbol(ref StreamState state, int stream, int index, CdfTable table)
    {
        var tables = new DecodeTables(table, _words);
        ulong x = state.X;
        uint slot = (uint)x & (Rans64.ProbabilityScale - 1);
        int bucket = (index << CdfTable.LookupBits) + (int)(slot >> CdfTable.LookupShift);
        uint entry = Unsafe.Add(ref tables.Entries, bucket);
        int s = Unsafe.Add(ref tables.Lookup, bucket);
        uint start, frequency;
        if (entry != 0)
        {
            start = entry & 0xFFFF;
            frequency = entry >> 16;
        }
        else
        {
            ref uint cdf = ref Unsafe.Add(ref tables.Cumulative, index << tables.CumulativeShift);
            s = FindInBucket(ref cdf, ref tables.Lookup, (uint)bucket, slot, Unsafe.Add(ref tables.Rows, index).MaxValue);
            start = Unsafe.Add(ref cdf, s);
            frequency = Unsafe.Add(ref cdf, s + 1) - start;
        }
        x = frequency * (x >> Rans64.ScaleBits) + slot - start;
        if (x < Rans64.L)
        {
            if (state.Position >= state.End)
                EntropyThrow.Truncated(stream);
            x = (x << 32) | Unsafe.Add(ref tables.Words, state.Position++);
        }
        state.X = x;
        ref RowInfo row = ref Unsafe.Add(ref tables.Rows, index);
        return s == row.MaxValue ? DecodeEscape(ref state, stream, row.MaxValue) + row.Offset : s + row.Offset;
    }

    /// <summary>
    /// The symbol whose interval holds <paramref name="slot"/>, searched only among the symbols of its bucket — from the
    /// bucket's first symbol to the next bucket's — by bisection, so a bucket full of tiny tail symbols costs log steps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FindInBucket(ref uint cdf, ref byte lookup, uint bucket, uint slot, int maxValue)
    {
        int low = Unsafe.Add(ref lookup, (nint)bucket);
        int high = (bucket & (CdfTable.LookupSize - 1)) == CdfTable.LookupSize - 1 ? maxValue : Unsafe.Add(ref lookup, (nint)bucket + 1);
        while (low < high)
        {
            int middle = (low + high + 1) >> 1;
            if (Unsafe.Add(ref cdf, middle) <= slot)
                low = middle;
            else
                high = middle - 1;
        }
        return low;
    }

    /// <summary>References to the arrays of one table (and the word buffer), taken once per call.</summary>
    private readonly ref struct DecodeTables
    {
        public readonly ref uint Entries;
        public readonly ref byte Lookup;
        public readonly ref uint Cumulative;
        public readonly ref RowInfo Rows;
        public readonly ref uint Words;
        public readonly int CumulativeShift;

        public DecodeTables(CdfTable table, uint[] words)
        {
            Entries = ref MemoryMarshal.GetArrayDataReference(table.DecodeEntries);
            Lookup = ref MemoryMarshal.GetArrayDataReference(table.DecodeLookup);
            Cumulative = ref MemoryMarshal.GetArrayDataReference(table.Cumulative);
            Rows = ref MemoryMarshal.GetArrayDataReference(table.Rows);
            Words = ref MemoryMarshal.GetArrayDataReference(words);
            CumulativeShift = table.CumulativeShift;
        }
    }

    /// <summary>The bypass code after an escape symbol: nibble count (a run of 15s plus a remainder), then the raw nibbles.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private int DecodeEscape(ref StreamState state, int stream, int maxValue)
    {
        uint nibble = ReadNibble(ref state, stream);
        int nibbles = (int)nibble;
        while (nibble == Rans64.MaxBypassValue)
        {
            nibble = ReadNibble(ref state, stream);
            nibbles += (int)nibble;
            if (nibbles > MaxBypassNibbles)
                break;
        }
        if (nibbles > MaxBypassNibbles)
            EntropyThrow.Corrupt($"an escaped value in sub-stream {stream} claims {nibbles} nibbles");

        ulong raw = 0;
        for (int j = 0; j < nibbles; j++)
            raw |= (ulong)ReadNibble(ref state, stream) << (j * Rans64.BypassBits);

        long value = (long)(raw >> 1);
        value = (raw & 1) != 0 ? -value - 1 : value + maxValue;
        // The caller adds the row offset (at most 2^24 in size): keep that sum inside int.
        if (value > int.MaxValue / 2 || value < int.MinValue / 2)
            EntropyThrow.Corrupt($"an escaped value in sub-stream {stream} is out of range");
        return (int)value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint ReadNibble(ref StreamState state, int stream)
    {
        uint nibble = (uint)state.X & Rans64.MaxBypassValue;
        state.X >>= Rans64.BypassBits;
        if (state.X < Rans64.L)
        {
            if (state.Position >= state.End)
                EntropyThrow.Truncated(stream);
            state.X = (state.X << 32) | _words[state.Position++];
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
