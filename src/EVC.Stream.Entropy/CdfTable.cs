namespace EVC.Stream.Entropy;

/// <summary>
/// An immutable set of quantised CDFs (one row per distribution) in the official layout — per row
/// <c>cdf</c>, <c>cdf_length</c> and <c>offset</c>; the last used slot (<c>cdf_length - 2</c>) is the escape symbol —
/// plus what the coder precomputes from it: reciprocal encoder symbols and a slot-to-symbol lookup for decoding.
/// Build it once per model (Gaussian tables are the same for every model) and share it between threads.
/// </summary>
public sealed class CdfTable
{
    /// <summary>Decoding looks up the top <see cref="LookupBits"/> bits of the 16-bit slot, then steps at most a few symbols.</summary>
    internal const int LookupBits = 8;
    internal const int LookupShift = Rans64.ScaleBits - LookupBits;
    internal const int LookupSize = 1 << LookupBits;

    /// <summary>Marks, in <see cref="DecodeValues"/>, a bucket whose symbol is the escape symbol or whose value does not fit 16 bits.</summary>
    internal const short EscapeValue = short.MinValue;

    /// <summary>A row's most probable symbol gets the state-independent test when it holds at least this share of 2^16.</summary>
    internal const int MostProbableThreshold = 45000;

    /// <summary>Most symbols one row may have (the lookup stores a symbol in a byte).</summary>
    public const int MaxSymbolsPerRow = 256;

    private readonly int[] _cdf;            // rows * Stride, entries past a row's length are 0
    private readonly int[] _cdfLength;
    private readonly int[] _offset;
    internal readonly RowInfo[] Rows;
    internal readonly RansEncSymbol[] EncodeSymbols; // rows * Stride
    internal readonly byte[] DecodeLookup;        // rows * LookupSize: first symbol of each bucket
    internal readonly uint[] DecodeEntries;       // rows * LookupSize: start | frequency << 16 of a bucket's only symbol; 0 when the bucket needs the general path
    internal readonly short[] DecodeValues;       // rows * LookupSize: the decoded value (symbol + offset) of a bucket's only symbol, EscapeValue for the escape symbol
    internal readonly uint[] Cumulative;          // rows << CumulativeShift: the CDF as uint, padded with 65536
    internal readonly ulong[] MostProbable;       // rows: start | frequency << 16 | value << 32 of a dominant symbol (frequency 0 when none dominates)
    internal readonly int MostProbableRows;       // rows 0 .. MostProbableRows-1 all have a dominant symbol (Gaussian: the small scales)
    internal readonly ushort[] DominantShare;     // rows: the largest symbol frequency of the row (of 2^16), eligible or not
    internal readonly int CumulativeShift;

    /// <summary>Number of distributions (CDF rows).</summary>
    public int RowCount { get; }

    /// <summary>Row width of the stored CDFs: the longest <c>cdf_length</c>.</summary>
    public int Stride { get; }

    /// <summary>Creates a table from the official layout: <paramref name="cdfs"/> holds <c>rows × rowWidth</c> entries.</summary>
    /// <exception cref="EntropyCodingException">A row is not a valid 16-bit CDF.</exception>
    public CdfTable(ReadOnlySpan<int> cdfs, int rowWidth, ReadOnlySpan<int> cdfLengths, ReadOnlySpan<int> offsets)
    {
        int rows = cdfLengths.Length;
        if (rows == 0)
            EntropyThrow.BadTable("it has no rows");
        if (offsets.Length != rows)
            EntropyThrow.BadTable($"{rows} lengths but {offsets.Length} offsets");
        if (rowWidth <= 0 || cdfs.Length != rows * rowWidth)
            EntropyThrow.BadTable($"{cdfs.Length} CDF entries do not make {rows} rows of {rowWidth}");

        int stride = 0;
        for (int r = 0; r < rows; r++)
        {
            int length = cdfLengths[r];
            if (length < 3 || length > rowWidth || length - 1 > MaxSymbolsPerRow)
                EntropyThrow.BadTable($"row {r} has cdf_length {length} (row width {rowWidth}, at most {MaxSymbolsPerRow + 1})");
            if (Math.Abs(offsets[r]) > RansEncoder.MaxAbsSymbol)
                EntropyThrow.BadTable($"row {r} has offset {offsets[r]}");
            stride = Math.Max(stride, length);
        }

        RowCount = rows;
        Stride = stride;
        _cdf = new int[rows * stride];
        _cdfLength = cdfLengths.ToArray();
        _offset = offsets.ToArray();
        Rows = new RowInfo[rows];
        EncodeSymbols = new RansEncSymbol[rows * stride];
        DecodeLookup = new byte[rows * LookupSize];
        DecodeEntries = new uint[rows * LookupSize];
        DecodeValues = new short[rows * LookupSize];
        MostProbable = new ulong[rows];
        DominantShare = new ushort[rows];
        // A power-of-two row pitch turns the row address into a shift in the decoding loop.
        CumulativeShift = 1;
        while ((1 << CumulativeShift) < stride + 1)
            CumulativeShift++;
        Cumulative = new uint[rows << CumulativeShift];

        for (int r = 0; r < rows; r++)
        {
            int length = cdfLengths[r];
            ReadOnlySpan<int> source = cdfs.Slice(r * rowWidth, length);
            if (source[0] != 0 || source[length - 1] != Rans64.ProbabilityScale)
                EntropyThrow.BadTable($"row {r} does not run from 0 to {Rans64.ProbabilityScale}");
            for (int i = 1; i < length; i++)
            {
                if (source[i] <= source[i - 1])
                    EntropyThrow.BadTable($"row {r} is not strictly increasing at entry {i}");
            }
            source.CopyTo(_cdf.AsSpan(r * stride, length));

            Rows[r] = new RowInfo(offsets[r], length - 2, r * stride);

            Span<uint> cumulative = Cumulative.AsSpan(r << CumulativeShift, 1 << CumulativeShift);
            cumulative.Fill(Rans64.ProbabilityScale);
            for (int i = 0; i < length; i++)
                cumulative[i] = (uint)source[i];

            for (int s = 0; s < length - 1; s++)
                EncodeSymbols[r * stride + s] = new RansEncSymbol((uint)source[s], (uint)(source[s + 1] - source[s]));

            // lookup[k] = the symbol whose interval holds slot k << LookupShift; decoding steps forward from there.
            // A symbol holding most of the row is tested first: its interval depends only on the row, not on the state,
            // so the test costs no load on the decoder's dependency chain.
            int best = 0;
            for (int i = 1; i < length - 2; i++)
            {
                if (source[i + 1] - source[i] > source[best + 1] - source[best])
                    best = i;
            }
            int bestFrequency = source[best + 1] - source[best];
            DominantShare[r] = (ushort)Math.Min(bestFrequency, ushort.MaxValue);
            int bestValue = best + offsets[r];
            if (bestFrequency >= MostProbableThreshold && bestValue > short.MinValue && bestValue <= short.MaxValue)
                MostProbable[r] = (uint)source[best] | ((uint)bestFrequency << 16) | ((ulong)(uint)bestValue << 32);

            // A bucket that lies inside one symbol's interval decodes with a single load of its entry.
            Span<byte> lookup = DecodeLookup.AsSpan(r * LookupSize, LookupSize);
            Span<uint> entries = DecodeEntries.AsSpan(r * LookupSize, LookupSize);
            Span<short> values = DecodeValues.AsSpan(r * LookupSize, LookupSize);
            int symbol = 0;
            for (int k = 0; k < LookupSize; k++)
            {
                int slot = k << LookupShift;
                while (source[symbol + 1] <= slot)
                    symbol++;
                lookup[k] = (byte)symbol;
                bool single = source[symbol + 1] >= slot + (1 << LookupShift);
                int value = symbol + offsets[r];
                // Buckets shared by several symbols, the escape symbol, and values too large for 16 bits take the general path (entry 0).
                bool fast = single && symbol != length - 2 && value > short.MinValue && value <= short.MaxValue;
                entries[k] = fast ? (uint)source[symbol] | ((uint)(source[symbol + 1] - source[symbol]) << 16) : 0;
                values[k] = fast ? (short)value : EscapeValue;
            }
        }

        // The decoder tests the dominant symbol first only for a leading run of rows, so that the choice is one
        // well-predicted comparison of the index (small Gaussian scales first) rather than a load per symbol.
        while (MostProbableRows < rows && MostProbable[MostProbableRows] != 0)
            MostProbableRows++;
    }

    /// <summary>
    /// Builds a table from float PMFs with the official quantiser (<see cref="QuantizedCdf"/>):
    /// row r codes <c>pmfs[r]</c> followed by the escape symbol with probability <c>tailMasses[r]</c>.
    /// </summary>
    public static CdfTable FromPmfs(IReadOnlyList<float[]> pmfs, ReadOnlySpan<float> tailMasses, ReadOnlySpan<int> offsets)
    {
        ArgumentNullException.ThrowIfNull(pmfs);
        int rows = pmfs.Count;
        if (tailMasses.Length != rows || offsets.Length != rows)
            EntropyThrow.BadTable($"{rows} PMFs, {tailMasses.Length} tail masses and {offsets.Length} offsets");
        int width = 0;
        for (int r = 0; r < rows; r++)
            width = Math.Max(width, pmfs[r].Length + 2);
        var cdfs = new int[rows * width];
        var lengths = new int[rows];
        for (int r = 0; r < rows; r++)
            lengths[r] = QuantizedCdf.Build(pmfs[r], tailMasses[r], cdfs.AsSpan(r * width, width));
        return new CdfTable(cdfs, width, lengths, offsets);
    }

    /// <summary>The CDF of one row: <c>cdf_length</c> entries from 0 to 65536.</summary>
    public ReadOnlySpan<int> GetCdf(int row) => _cdf.AsSpan(row * Stride, _cdfLength[row]);

    /// <summary>The official <c>cdf_length</c> of one row (its symbol count plus the escape symbol plus one).</summary>
    public int GetCdfLength(int row) => _cdfLength[row];

    /// <summary>The official <c>offset</c> of one row: the value of symbol 0.</summary>
    public int GetOffset(int row) => _offset[row];

    /// <summary>Copies the table into the official padded layout (<c>rows × rowWidth</c>, unused entries 0).</summary>
    public void CopyTo(Span<int> cdfs, int rowWidth)
    {
        if (rowWidth < Stride || cdfs.Length < RowCount * rowWidth)
            throw new ArgumentException($"The destination needs {RowCount} rows of at least {Stride} entries.", nameof(cdfs));
        cdfs.Slice(0, RowCount * rowWidth).Clear();
        for (int r = 0; r < RowCount; r++)
            GetCdf(r).CopyTo(cdfs.Slice(r * rowWidth));
    }
}
