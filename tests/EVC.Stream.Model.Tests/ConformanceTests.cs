using System.Text.Json;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using EVC.Stream.Safetensors;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace EVC.Stream.Model.Tests;

/// <summary>Our EVC_SS against the official implementation's own outputs in the reference kit.</summary>
public class ConformanceTests(ITestOutputHelper output)
{
    private static readonly Lazy<EvcModel> s_model = new(() =>
    {
        set_num_threads(1);  // the kit was made with 1 thread: official mode reproduces that numeric path
        return CheckpointLoader.LoadOfficial(Path.Combine(FactorizedPriorTests.Kit(), "checkpoints", "EVC_SS.pth.tar"), EvcArchitecture.Get("EVC_SS"));
    });

    private static JsonElement Case(string name)
    {
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(FactorizedPriorTests.Kit(), "manifest.json")));
        return manifest.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).Clone();
    }

    private static Tensor Load(SafetensorsFile file, string name)
    {
        SafetensorsEntry entry = file.GetEntry(name);
        return tensor(file.GetFloat32(name), entry.Shape);
    }

    private static double MaxRelative(Tensor ours, Tensor official)
    {
        using Tensor difference = (ours - official).abs().max();
        using Tensor scale = official.abs().max();
        return difference.item<float>() / Math.Max(scale.item<float>(), 1e-12f);
    }

    [Fact]
    public void Loaded_parameters_equal_the_checkpoint_exactly()
    {
        EvcModel model = s_model.Value;
        Dictionary<string, Tensor> raw = OfficialCheckpoint.LoadStateDict(Path.Combine(FactorizedPriorTests.Kit(), "checkpoints", "EVC_SS.pth.tar"));
        try
        {
            var ours = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            Assert.Equal(raw.Count, ours.Count);
            foreach ((string name, Tensor value) in raw)
                Assert.True(ours[name].eq(value).all().item<bool>(), $"{name} differs");
        }
        finally
        {
            foreach (Tensor t in raw.Values)
                t.Dispose();
        }
    }

    [Theory]
    [InlineData("ss_kodim08crop97x61_r2")]
    [InlineData("ss_kodim05crop250x166_r1")]
    public void Small_full_case_matches_the_official_intermediates_and_bytes(string name)
    {
        EvcModel model = s_model.Value;
        JsonElement kitCase = Case(name);
        var tensors = SafetensorsFile.Load(Path.Combine(FactorizedPriorTests.Kit(), kitCase.GetProperty("tensors").GetString()!));
        using var scope = NewDisposeScope();
        Tensor x = Load(tensors, "x_padded");
        double q = kitCase.GetProperty("q_scale_requested").GetDouble();
        var codec = new ImageCodec(model);
        byte[] bin = codec.Compress(x, kitCase.GetProperty("height").GetInt32(), kitCase.GetProperty("width").GetInt32(), q, out CompressionTrace trace);

        Assert.Equal(0, MaxRelative(trace.CurrQ, Load(tensors, "curr_q")));
        foreach ((string tensorName, Tensor ours) in new[] { ("y", trace.Y), ("z", trace.Z), ("hyper_dec_out", (Tensor?)null!), })
        {
            if (ours is null)
                continue;
            double relative = MaxRelative(ours, Load(tensors, tensorName));
            output.WriteLine($"{tensorName}: max relative difference {relative:E2}");
            Assert.True(relative < 1e-4, $"{tensorName} differs by {relative:E2} relative");
        }
        Assert.Equal(tensors.GetInt32("z_hat"), trace.ZSymbols);
        foreach ((string tensorName, Tensor ours) in new[] { ("prior_scales", trace.PriorScales), ("prior_means", trace.PriorMeans), ("prior_q_step", trace.PriorQStep),
                     ("spatial_prior_out", trace.SpatialPriorOutput), ("pass0_scales", trace.Pass0Scales), ("pass1_scales", trace.Pass1Scales) })
        {
            double relative = MaxRelative(ours, Load(tensors, tensorName));
            output.WriteLine($"{tensorName}: max relative difference {relative:E2}");
            Assert.True(relative < 1e-4, $"{tensorName} differs by {relative:E2} relative");
        }
        int indexDifferences = tensors.GetUInt8("pass0_indexes").Zip(trace.Pass0Indexes).Count(p => p.First != p.Second)
            + tensors.GetUInt8("pass1_indexes").Zip(trace.Pass1Indexes).Count(p => p.First != p.Second);
        int symbolDifferences = tensors.GetInt32("pass0_symbols").Zip(trace.Pass0Symbols).Count(p => p.First != p.Second)
            + tensors.GetInt32("pass1_symbols").Zip(trace.Pass1Symbols).Count(p => p.First != p.Second);
        output.WriteLine($"index differences {indexDifferences}, symbol differences {symbolDifferences}");
        Assert.Equal(0, indexDifferences);
        Assert.Equal(0, symbolDifferences);
        Assert.Equal(File.ReadAllBytes(Path.Combine(FactorizedPriorTests.Kit(), kitCase.GetProperty("bin").GetString()!)), bin);
    }
}
