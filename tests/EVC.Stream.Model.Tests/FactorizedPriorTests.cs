using EVC.Stream.Entropy;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.EntropyModels;
using EVC.Stream.Safetensors;
using static TorchSharp.torch;

namespace EVC.Stream.Model.Tests;

/// <summary>The z table built from the official checkpoint's weights equals the table the official code built.</summary>
public class FactorizedPriorTests
{
    internal static string Kit() => EVC.Stream.Tests.Shared.TestPaths.Kit;

    /// <summary>Every kit checkpoint that comes with its official tables (held-back ones dropped in the kit included).</summary>
    public static IEnumerable<object[]> Checkpoints() =>
        Directory.GetFiles(Path.Combine(Kit(), "checkpoints"), "*.pth.tar").Order(StringComparer.Ordinal)
            .Select(f => Path.GetFileName(f)[..^".pth.tar".Length])
            .Where(arch => File.Exists(Path.Combine(Kit(), "checkpoints", arch + "_cdf_tables.safetensors")))
            .Select(arch => new object[] { arch });

    [Theory]
    [MemberData(nameof(Checkpoints))]
    public void The_z_table_from_the_checkpoint_equals_the_official_table(string arch)
    {
        Dictionary<string, Tensor> stateDict = OfficialCheckpoint.LoadStateDict(Path.Combine(Kit(), "checkpoints", arch + ".pth.tar"));
        try
        {
            if (arch == "EVC_SS")
                Assert.Equal(229, stateDict.Count);
            CdfTable ours = FactorizedPrior.BuildTable(new BitEstimatorParameters(stateDict));

            var official = SafetensorsFile.Load(Path.Combine(Kit(), "checkpoints", arch + "_cdf_tables.safetensors"));
            int width = (int)official.GetEntry("z_cdf").Shape[1];
            Assert.Equal(official.GetInt32("z_cdf_length"), Enumerable.Range(0, ours.RowCount).Select(ours.GetCdfLength));
            Assert.Equal(official.GetInt32("z_offset"), Enumerable.Range(0, ours.RowCount).Select(ours.GetOffset));
            var padded = new int[ours.RowCount * width];
            ours.CopyTo(padded, width);
            Assert.Equal(official.GetInt32("z_cdf"), padded);
        }
        finally
        {
            foreach (Tensor tensor in stateDict.Values)
                tensor.Dispose();
        }
    }

    [Fact]
    public void A_checkpoint_without_the_prior_names_the_missing_parameter()
    {
        var empty = new Dictionary<string, Tensor>();
        var error = Assert.Throws<KeyNotFoundException>(() => FactorizedPrior.BuildTable(new BitEstimatorParameters(empty)));
        Assert.Contains("bit_estimator_z.f1.h", error.Message);
    }
}
