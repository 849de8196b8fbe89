namespace EVC.Stream.Entropy.Tests;

/// <summary>The Gaussian table and the scale-to-index rule, computed from scratch, equal the official ones exactly.</summary>
public class GaussianConditionalTests
{
    [Fact]
    public void The_scale_table_equals_the_official_one_bit_for_bit()
    {
        float[] official = KitData.Tables.GetFloat32("gaussian_scale_table");
        float[] ours = GaussianConditional.ScaleTable.ToArray();
        Assert.Equal(official.Select(BitConverter.SingleToInt32Bits), ours.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Every_pmf_and_tail_mass_equals_the_official_float_bit_for_bit()
    {
        var tables = KitData.Tables;
        float[] pmf = tables.GetFloat32("gaussian_pmf");
        int width = (int)tables.GetEntry("gaussian_pmf").Shape[1];
        int[] lengths = tables.GetInt32("gaussian_pmf_length");
        float[] tails = tables.GetFloat32("gaussian_tail_mass");
        (float[][] pmfs, float[] ourTails, int[] offsets) = GaussianPmf.OfficialTableInputs();
        Assert.Equal(tables.GetInt32("gaussian_offset"), offsets);
        for (int row = 0; row < lengths.Length; row++)
        {
            Assert.Equal(lengths[row], pmfs[row].Length);
            for (int k = 0; k < lengths[row]; k++)
                Assert.Equal(BitConverter.SingleToInt32Bits(pmf[row * width + k]), BitConverter.SingleToInt32Bits(pmfs[row][k]));
            Assert.Equal(BitConverter.SingleToInt32Bits(tails[row]), BitConverter.SingleToInt32Bits(ourTails[row]));
        }
    }

    [Fact]
    public void The_table_built_from_scratch_equals_the_official_cdf_table()
    {
        CdfTable official = KitData.GaussianTable;
        CdfTable ours = GaussianConditional.BuildTable();
        Assert.Equal(official.RowCount, ours.RowCount);
        for (int row = 0; row < official.RowCount; row++)
        {
            Assert.Equal(official.GetCdfLength(row), ours.GetCdfLength(row));
            Assert.Equal(official.GetOffset(row), ours.GetOffset(row));
            Assert.Equal(official.GetCdf(row).ToArray(), ours.GetCdf(row).ToArray());
        }
        var padded = new int[256 * 103];
        ours.CopyTo(padded, 103);
        Assert.Equal(KitData.Tables.GetInt32("gaussian_cdf"), padded);
    }

    public static IEnumerable<object[]> CasesWithScales() =>
        KitData.Manifest().Where(c => KitData.CaseTensors(c).Contains("pass0_scales")).Select(c => new object[] { c.Name });

    [Theory]
    [MemberData(nameof(CasesWithScales))]
    public void Scale_to_index_reproduces_every_official_index(string name)
    {
        var tensors = KitData.CaseTensors(KitData.Case(name));
        foreach (string pass in new[] { "pass0", "pass1" })
        {
            float[] scales = tensors.GetFloat32(pass + "_scales");
            byte[] expected = tensors.GetUInt8(pass + "_indexes");
            var indexes = new byte[scales.Length];
            GaussianConditional.ScalesToIndexes(scales, indexes);
            Assert.Equal(expected, indexes);
        }
    }

    [Theory]
    [InlineData(-1f, 0)]
    [InlineData(0f, 0)]
    [InlineData(1e-30f, 0)]
    [InlineData(0.11f, 0)]
    [InlineData(64f, 255)]
    [InlineData(1e30f, 255)]
    [InlineData(float.PositiveInfinity, 255)]
    [InlineData(float.NaN, 0)]
    public void Out_of_range_scales_clamp_to_the_table_ends(float scale, int expected) =>
        Assert.Equal(expected, GaussianConditional.ScaleToIndex(scale));

    [Fact]
    public void Indexes_grow_with_the_scale()
    {
        int previous = 0;
        for (float scale = 0.05f; scale < 100f; scale *= 1.001f)
        {
            int index = GaussianConditional.ScaleToIndex(scale);
            Assert.True(index >= previous, $"index fell from {previous} to {index} at scale {scale}");
            previous = index;
        }
        Assert.Equal(255, previous);
    }
}
