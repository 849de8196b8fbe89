using EVC.Stream.Safetensors;

namespace EVC.Stream.Entropy.Tests;

/// <summary>The kit's rANS vectors: our bytes equal the official bytes, and the official bytes decode to the official symbols.</summary>
public class RansVectorTests
{
    private static List<(int[] Symbols, byte[] Indexes, CdfTable Table)> Calls(SafetensorsFile vector)
    {
        var calls = new List<(int[], byte[], CdfTable)>();
        for (int k = 0; vector.Contains($"call{k}_symbols"); k++)
        {
            CdfTable table = vector.GetInt32($"call{k}_table")[0] == 0 ? KitData.GaussianTable : KitData.ZTableFor(vector);
            calls.Add((vector.GetInt32($"call{k}_symbols"), KitData.ToBytes(vector.GetInt32($"call{k}_indexes")), table));
        }
        return calls;
    }

    [Theory]
    [MemberData(nameof(KitData.RansVectorNames), MemberType = typeof(KitData))]
    public void Encoding_the_vector_gives_the_official_bytes(string name)
    {
        SafetensorsFile vector = KitData.RansVector(name);
        using var encoder = new RansEncoder(KitData.RansVectorSubStreams(name));
        foreach ((int[] symbols, byte[] indexes, CdfTable table) in Calls(vector))
            encoder.Encode(symbols, indexes, table);

        byte[] expected = vector.GetUInt8("stream");
        string raw = Path.Combine(KitData.Root, "rans", name + ".stream");
        if (File.Exists(raw))
            Assert.Equal(expected, File.ReadAllBytes(raw));
        Assert.Equal(expected, encoder.Flush().ToArray());
    }

    [Theory]
    [MemberData(nameof(KitData.RansVectorNames), MemberType = typeof(KitData))]
    public void Decoding_the_official_bytes_gives_the_official_symbols(string name)
    {
        SafetensorsFile vector = KitData.RansVector(name);
        using var decoder = new RansDecoder();
        decoder.SetStream(vector.GetUInt8("stream"));
        Assert.Equal(KitData.RansVectorSubStreams(name), decoder.SubStreamCount);
        foreach ((int[] symbols, byte[] indexes, CdfTable table) in Calls(vector))
        {
            var decoded = new int[symbols.Length];
            decoder.Decode(indexes, table, decoded);
            Assert.Equal(symbols, decoded);
        }
        decoder.Finish();
    }

    [Theory]
    [MemberData(nameof(KitData.RansVectorNames), MemberType = typeof(KitData))]
    public void The_reference_port_agrees_on_every_vector(string name)
    {
        SafetensorsFile vector = KitData.RansVector(name);
        var reference = new Reference.OfficialRansEncoder(KitData.RansVectorSubStreams(name));
        foreach ((int[] symbols, byte[] indexes, CdfTable table) in Calls(vector))
            reference.Encode(symbols, indexes, table);
        Assert.Equal(vector.GetUInt8("stream"), reference.Flush());
    }
}
