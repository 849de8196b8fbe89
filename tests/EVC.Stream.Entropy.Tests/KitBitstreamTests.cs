using EVC.Stream.Safetensors;

namespace EVC.Stream.Entropy.Tests;

/// <summary>
/// The payloads of the official <c>.bin</c> files: z, then pass 0, then pass 1, each call split across two sub-streams.
/// Decoding gives the official symbols; re-encoding those symbols gives the official bytes.
/// </summary>
public class KitBitstreamTests
{
    private static (int[] Z, int[] Pass0, int[] Pass1) DecodePayload(byte[] payload, SafetensorsFile tensors)
    {
        SafetensorsEntry zEntry = tensors.GetEntry("z_hat");
        byte[] zIndexes = KitData.ChannelIndexes(zEntry.Shape);
        byte[] pass0Indexes = tensors.GetUInt8("pass0_indexes");
        byte[] pass1Indexes = tensors.GetUInt8("pass1_indexes");

        using var decoder = new RansDecoder();
        decoder.SetStream(payload);
        Assert.Equal(2, decoder.SubStreamCount);
        var z = new int[zIndexes.Length];
        var pass0 = new int[pass0Indexes.Length];
        var pass1 = new int[pass1Indexes.Length];
        decoder.Decode(zIndexes, KitData.ZTable, z);
        decoder.Decode(pass0Indexes, KitData.GaussianTable, pass0);
        decoder.Decode(pass1Indexes, KitData.GaussianTable, pass1);
        decoder.Finish();
        return (z, pass0, pass1);
    }

    [Theory]
    [MemberData(nameof(KitData.CaseNames), MemberType = typeof(KitData))]
    public void Official_bin_decodes_to_the_official_symbols(string name)
    {
        KitData.KitCase kitCase = KitData.Case(name);
        SafetensorsFile tensors = KitData.CaseTensors(kitCase);
        (int[] z, int[] pass0, int[] pass1) = DecodePayload(KitData.BinPayload(kitCase), tensors);

        Assert.Equal(tensors.GetInt32("z_hat"), z);
        if (tensors.Contains("pass0_symbols"))
        {
            Assert.Equal(tensors.GetInt32("pass0_symbols"), pass0);
            Assert.Equal(tensors.GetInt32("pass1_symbols"), pass1);
        }
    }

    [Theory]
    [MemberData(nameof(KitData.CaseNames), MemberType = typeof(KitData))]
    public void Reencoding_the_symbols_gives_the_official_bin_payload(string name)
    {
        KitData.KitCase kitCase = KitData.Case(name);
        SafetensorsFile tensors = KitData.CaseTensors(kitCase);
        byte[] payload = KitData.BinPayload(kitCase);
        (int[] z, int[] pass0, int[] pass1) = DecodePayload(payload, tensors);

        using var encoder = new RansEncoder();
        encoder.Encode(z, KitData.ChannelIndexes(tensors.GetEntry("z_hat").Shape), KitData.ZTable);
        encoder.Encode(pass0, tensors.GetUInt8("pass0_indexes"), KitData.GaussianTable);
        encoder.Encode(pass1, tensors.GetUInt8("pass1_indexes"), KitData.GaussianTable);
        Assert.Equal(payload, encoder.Flush().ToArray());
    }

    [Fact]
    public void The_kit_has_cases_with_escaped_y_values()
    {
        Assert.Contains(KitData.Manifest(), c => c.YEscapes > 0);
    }
}
