namespace EVC.Stream.Entropy.Tests;

/// <summary>Every CDF row of the kit rebuilt from its float PMF and tail mass equals the official row.</summary>
public class QuantizedCdfTests
{
    [Theory]
    [MemberData(nameof(KitData.CdfTableFiles), MemberType = typeof(KitData))]
    public void Every_kit_table_rebuilt_from_its_pmf_equals_the_official_one(string file, string prefix)
    {
        var tables = KitData.TablesFile(file);
        float[] pmf = tables.GetFloat32(prefix + "_pmf");
        int pmfWidth = (int)tables.GetEntry(prefix + "_pmf").Shape[1];
        int[] pmfLength = tables.GetInt32(prefix + "_pmf_length");
        float[] tail = tables.GetFloat32(prefix + "_tail_mass");
        int[] cdf = tables.GetInt32(prefix + "_cdf");
        int cdfWidth = (int)tables.GetEntry(prefix + "_cdf").Shape[1];
        int[] cdfLength = tables.GetInt32(prefix + "_cdf_length");

        var rebuilt = new int[cdfWidth];
        for (int row = 0; row < pmfLength.Length; row++)
        {
            Array.Clear(rebuilt);
            int length = QuantizedCdf.Build(pmf.AsSpan(row * pmfWidth, pmfLength[row]), tail[row], rebuilt);
            Assert.Equal(cdfLength[row], length);
            Assert.Equal(cdf.AsSpan(row * cdfWidth, cdfWidth).ToArray(), rebuilt);
        }
    }

    [Fact]
    public void Zero_probability_symbols_get_one_slot_stolen_from_the_smallest_larger_frequency()
    {
        // Rounded frequencies 0, 65536*0.5, 0, 65536*0.5, 0 (tail): three symbols must be repaired.
        float[] pmf = [0f, 0.5f, 0f, 0.5f];
        var cdf = new int[6];
        QuantizedCdf.Build(pmf, 0f, cdf);
        Assert.Equal(0, cdf[0]);
        Assert.Equal(65536, cdf[^1]);
        for (int i = 1; i < cdf.Length; i++)
            Assert.True(cdf[i] > cdf[i - 1], $"entry {i} is not above entry {i - 1}: {string.Join(',', cdf)}");
        Assert.Equal([0, 1, 32766, 32767, 65535, 65536], cdf);
    }

    [Fact]
    public void A_pmf_of_zeros_is_rejected_with_our_exception()
    {
        var cdf = new int[4];
        Assert.Throws<EntropyCodingException>(() => QuantizedCdf.Build([0f, 0f], 0f, cdf));
    }

    [Theory]
    [InlineData(0.5f / 65536, 1u)]
    [InlineData(1.5f / 65536, 2u)]
    [InlineData(0.49f / 65536, 0u)]
    [InlineData(1f, 65536u)]
    public void Frequencies_round_half_away_from_zero(float p, uint expected) =>
        Assert.Equal(expected, QuantizedCdf.RoundFrequency(p));
}
