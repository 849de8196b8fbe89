namespace EVC.Stream.Entropy.Tests;

/// <summary>Random symbols and distributions, bypass values, extreme scales, empty input and sub-stream counts.</summary>
public class RoundTripTests
{
    internal static CdfTable RandomTable(Random random, int rows, int maxSymbols)
    {
        var pmfs = new List<float[]>();
        var tails = new float[rows];
        var offsets = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int length = random.Next(1, maxSymbols);
            var pmf = new float[length];
            float sum = 0;
            for (int i = 0; i < length; i++)
            {
                // Some near-zero probabilities exercise the zero-frequency repair.
                pmf[i] = random.Next(4) == 0 ? 1e-9f : (float)random.NextDouble();
                sum += pmf[i];
            }
            for (int i = 0; i < length; i++)
                pmf[i] /= sum * 1.001f;
            pmfs.Add(pmf);
            tails[r] = random.Next(3) == 0 ? 0f : 0.001f;
            offsets[r] = -random.Next(0, length);
        }
        return CdfTable.FromPmfs(pmfs, tails, offsets);
    }

    private static int[] RoundTrip(int subStreams, params (int[] Symbols, byte[] Indexes, CdfTable Table)[] calls)
    {
        using var encoder = new RansEncoder(subStreams);
        var reference = new Reference.OfficialRansEncoder(subStreams);
        foreach ((int[] symbols, byte[] indexes, CdfTable table) in calls)
        {
            encoder.Encode(symbols, indexes, table);
            reference.Encode(symbols, indexes, table);
        }
        byte[] payload = encoder.Flush().ToArray();
        Assert.Equal(reference.Flush(), payload);

        using var decoder = new RansDecoder();
        decoder.SetStream(payload);
        var officialDecoder = new Reference.OfficialRansDecoder();
        officialDecoder.SetStream(payload);
        var all = new List<int>();
        foreach ((int[] symbols, byte[] indexes, CdfTable table) in calls)
        {
            var decoded = new int[symbols.Length];
            decoder.Decode(indexes, table, decoded);
            Assert.Equal(symbols, decoded);
            var officialDecoded = new int[symbols.Length];
            officialDecoder.Decode(indexes, table, officialDecoded);
            Assert.Equal(symbols, officialDecoded);
            all.AddRange(decoded);
        }
        decoder.Finish();
        return [.. all];
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(2, 4)]
    [InlineData(5, 5)]
    [InlineData(16, 6)]
    public void Random_symbols_and_tables_round_trip_and_match_the_reference_port(int subStreams, int seed)
    {
        var random = new Random(seed);
        CdfTable table = RandomTable(random, 40, 120);
        var calls = new List<(int[], byte[], CdfTable)>();
        for (int call = 0; call < 3; call++)
        {
            int count = random.Next(0, 5000);   // odd counts too: the last sub-stream takes the remainder
            var symbols = new int[count];
            var indexes = new byte[count];
            for (int i = 0; i < count; i++)
            {
                indexes[i] = (byte)random.Next(table.RowCount);
                int offset = table.GetOffset(indexes[i]);
                int span = table.GetCdfLength(indexes[i]) - 2;
                symbols[i] = random.Next(20) == 0 ? random.Next(-3000, 3000) : offset + random.Next(span);
            }
            calls.Add((symbols, indexes, table));
        }
        RoundTrip(subStreams, [.. calls]);
    }

    [Fact]
    public void Bypass_values_at_and_beyond_both_table_edges_round_trip()
    {
        CdfTable table = KitData.GaussianTable;
        var symbols = new List<int>();
        var indexes = new List<byte>();
        foreach (int row in new[] { 0, 1, 37, 128, 254, 255 })
        {
            int offset = table.GetOffset(row);
            int maxValue = table.GetCdfLength(row) - 2;
            int[] edges = [offset - 1, offset, offset + maxValue - 1, offset + maxValue, offset + maxValue + 1,
                offset + maxValue + 14, offset + maxValue + 15, offset - 8, offset - 9,
                255, 256, -255, -256, 4095, 4096, -4095, -4096, 30000, -30000, 32767, -32768,
                65535, -65536, 1 << 20, -(1 << 20), RansEncoder.MaxAbsSymbol, -RansEncoder.MaxAbsSymbol];
            foreach (int value in edges)
            {
                symbols.Add(value);
                indexes.Add((byte)row);
            }
        }
        RoundTrip(2, ([.. symbols], [.. indexes], table));
    }

    [Fact]
    public void Symbols_beyond_the_codable_range_are_rejected_with_our_exception()
    {
        using var encoder = new RansEncoder();
        Assert.Throws<EntropyCodingException>(() => encoder.Encode([RansEncoder.MaxAbsSymbol + 1, 0], [0, 0], KitData.GaussianTable));
        Assert.Throws<EntropyCodingException>(() => encoder.Encode([0, 0], [0, 0, 0], KitData.GaussianTable));
        Assert.Throws<EntropyCodingException>(() => encoder.Encode([0, 0], [0, 200], KitData.ZTable));
    }

    [Fact]
    public void Decoding_with_an_index_outside_the_table_is_rejected_with_our_exception()
    {
        using var encoder = new RansEncoder();
        encoder.Encode([0, 0, 0, 0], [0, 1, 2, 3], KitData.ZTable);
        byte[] payload = encoder.Flush().ToArray();
        using var decoder = new RansDecoder();
        decoder.SetStream(payload);
        var error = Assert.Throws<EntropyCodingException>(() => decoder.Decode([0, 1, 2, 192], KitData.ZTable, new int[4]));
        Assert.Contains("192", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(255)]
    public void Extreme_scales_round_trip(int row)
    {
        var random = new Random(row + 11);
        CdfTable table = KitData.GaussianTable;
        int count = 20000;
        var symbols = new int[count];
        var indexes = new byte[count];
        double scale = row == 0 ? 0.11 : 64;
        for (int i = 0; i < count; i++)
        {
            indexes[i] = (byte)row;
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            symbols[i] = (int)Math.Round(scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        RoundTrip(2, (symbols, indexes, table));
    }

    [Fact]
    public void Empty_input_gives_a_valid_payload_that_decodes_to_nothing()
    {
        int[] decoded = RoundTrip(2, ([], [], KitData.GaussianTable));
        Assert.Empty(decoded);
        using var encoder = new RansEncoder();
        // docs/entropy-coding.md: flag 0x11, one 2-byte size (8), then two sub-streams holding only the flushed state L = 2^31.
        byte[] expected = [0x11, 0x08, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00];
        Assert.Equal(expected, encoder.Flush().ToArray());
    }

    [Fact]
    public void An_encoder_reused_for_many_frames_gives_the_same_bytes_as_a_fresh_one()
    {
        var random = new Random(5);
        CdfTable table = RandomTable(random, 10, 30);
        var symbols = new int[999];
        var indexes = new byte[999];
        for (int i = 0; i < symbols.Length; i++)
        {
            indexes[i] = (byte)random.Next(10);
            symbols[i] = random.Next(-40, 40);
        }
        using var fresh = new RansEncoder();
        fresh.Encode(symbols, indexes, table);
        byte[] expected = fresh.Flush().ToArray();

        using var reused = new RansEncoder();
        for (int frame = 0; frame < 5; frame++)
        {
            reused.Encode(symbols, indexes, table);
            Assert.Equal(expected, reused.Flush().ToArray());
        }
    }

    [Fact]
    public void Large_sub_streams_switch_to_four_byte_sizes()
    {
        var random = new Random(9);
        CdfTable table = KitData.GaussianTable;
        int count = 200_000;
        var symbols = new int[count];
        var indexes = new byte[count];
        for (int i = 0; i < count; i++)
        {
            indexes[i] = 255;
            symbols[i] = random.Next(-50, 51);
        }
        using var encoder = new RansEncoder();
        encoder.Encode(symbols, indexes, table);
        byte[] payload = encoder.Flush().ToArray();
        Assert.Equal(0x10, payload[0]);
        RoundTrip(2, (symbols, indexes, table));
    }
}
