using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using EVC.Stream.Safetensors;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace EVC.Stream.Model.Tests;

/// <summary>The architecture family, scalable encoders, the rate estimate and our weights format.</summary>
public class ArchitectureTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Architectures() => EvcArchitecture.All.Keys.Select(a => new object[] { a });

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Every_architecture_builds_with_the_official_parameter_layout(string name)
    {
        using var model = new EvcModel(EvcArchitecture.Get(name));
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        long count = WeightsFile.ParameterCount(model);
        output.WriteLine($"{name}: {count:N0} parameters");
        // Shared by every architecture: the hyperprior, priors and bit estimator of EVC_SS's checkpoint.
        Assert.Contains("y_spatial_prior.2.block.1.conv.2.bias", names);
        Assert.Contains("bit_estimator_z.f4.b", names);
        Assert.Contains("q_scale", names);
        Assert.Contains(name.StartsWith("Scale_", StringComparison.Ordinal) ? "encs.3.6.weight" : "enc.6.weight", names);
        Assert.Equal(3 * 4, model.named_parameters().Single(p => p.name == "dec.7.0.weight").parameter.shape[0]);
    }

    [Fact]
    public void Float16_weights_are_half_the_size_and_load_within_float16_rounding()
    {
        string folder = Directory.CreateTempSubdirectory("evc-fp16-").FullName;
        try
        {
            string single = Path.Combine(folder, "f32.safetensors"), half = Path.Combine(folder, "f16.safetensors");
            WeightsFile.Save(ModelFixture.EvcSs, single);
            WeightsFile.Save(ModelFixture.EvcSs, half, halfPrecision: true);
            double ratio = new FileInfo(half).Length / (double)new FileInfo(single).Length;
            Assert.InRange(ratio, 0.49, 0.52);
            Assert.True(new FileInfo(half).Length < 30L << 20, "a shipped EVC_SS must stay under 30 MB");
            Models.EvcModel loaded = WeightsFile.Load(half, null);  // its SHA-256 check covers the float16 values
            var original = ModelFixture.EvcSs.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, parameter) in loaded.named_parameters())
            {
                using Tensor difference = (parameter - original[name]).abs();
                using Tensor bound = original[name].abs() * (1.0 / 1024) + 1e-7;  // float16 keeps 11 significant bits
                Assert.True(difference.le(bound).all().item<bool>(), $"{name} moved beyond float16 rounding");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_model_built_inside_a_dispose_scope_outlives_the_scope()
    {
        Models.EvcModel model;
        using (NewDisposeScope())
            model = new Models.EvcModel(Models.EvcArchitecture.Get("EVC_SS"));
        Assert.Equal(1f, model.Anchor(3));  // would throw "Tensor invalid" if the scope had disposed the parameters
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Assert.Equal(new long[] { 1, 192, 1, 1 }, model.Analyse(zeros(1, 3, 16, 16)).shape);
    }

    [Fact]
    public void Parameter_names_and_shapes_of_EVC_SS_equal_the_official_checkpoint()
    {
        Dictionary<string, Tensor> official = OfficialCheckpoint.LoadStateDict(Path.Combine(FactorizedPriorTests.Kit(), "checkpoints", "EVC_SS.pth.tar"));
        try
        {
            using var model = new EvcModel(EvcArchitecture.Get("EVC_SS"));
            var ours = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
            Assert.Equal(official.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
            foreach ((string key, Tensor value) in official)
                Assert.Equal(value.shape, ours[key]);
            Assert.Equal(12_778_256, WeightsFile.ParameterCount(model));
            // The project's measured figure for EVC_SS: about 106 K multiply-adds per pixel.
            double macs = Complexity.MacsPerPixel(model);
            output.WriteLine($"EVC_SS: {macs / 1000:F1} K MACs per pixel");
            Assert.InRange(macs, 100_000, 112_000);
        }
        finally
        {
            foreach (Tensor t in official.Values)
                t.Dispose();
        }
    }

    [Fact]
    public void Weights_that_do_not_fit_name_every_problem()
    {
        var error = Assert.Throws<CheckpointMismatchException>(() =>
            CheckpointLoader.LoadOfficial(Path.Combine(FactorizedPriorTests.Kit(), "checkpoints", "EVC_SS.pth.tar"), EvcArchitecture.Get("EVC_LL")));
        Assert.Contains("enc.0.conv1.weight is [64,3,3,3], expected [192,3,3,3]", error.Message);
    }

    [Fact]
    public void A_scalable_model_loads_a_single_encoder_checkpoint_and_its_level_0_codes_like_it()
    {
        string checkpoint = Path.Combine(FactorizedPriorTests.Kit(), "checkpoints", "EVC_SS.pth.tar");
        EvcModel scalable = CheckpointLoader.LoadOfficial(checkpoint, EvcArchitecture.Get("Scale_EVC_SS"));
        Assert.Equal(4, scalable.EncoderLevels);
        using var scope = NewDisposeScope();
        var tensors = SafetensorsFile.Load(Path.Combine(FactorizedPriorTests.Kit(), "tensors", "ss_kodim08crop97x61_r2.safetensors"));
        Tensor x = tensor(tensors.GetFloat32("x_padded"), tensors.GetEntry("x_padded").Shape);
        byte[] official = File.ReadAllBytes(Path.Combine(FactorizedPriorTests.Kit(), "bin", "ss_kodim08crop97x61_r2.bin"));
        byte[] level0 = new ImageCodec(scalable).Compress(x, 61, 97, scalable.Anchor(2), 0, out _);
        Assert.Equal(official, level0);
        // Identical encoders: the average of two equal outputs is the same output, so level 1 codes the same bytes.
        byte[] level1 = new ImageCodec(scalable).Compress(x, 61, 97, scalable.Anchor(2), 1, out _);
        Assert.Equal(official, level1);
        int chosen = new ImageCodec(scalable).ChooseEncoderLevel(x, scalable.Anchor(2));
        Assert.InRange(chosen, 0, 3);
        Assert.Equal(0, new ImageCodec(ModelFixture.EvcSs).ChooseEncoderLevel(x, 1.0));
    }

    [Fact]
    public void The_rate_estimate_is_close_to_the_real_payload()
    {
        var codec = new ImageCodec(ModelFixture.EvcSs);
        using var scope = NewDisposeScope();
        var tensors = SafetensorsFile.Load(Path.Combine(FactorizedPriorTests.Kit(), "tensors", "ss_kodim05crop250x166_r1.safetensors"));
        Tensor x = tensor(tensors.GetFloat32("x_padded"), tensors.GetEntry("x_padded").Shape);
        double estimate = codec.EstimateBitsPerPixel(x, ModelFixture.EvcSs.Anchor(1));
        byte[] bin = codec.Compress(x, 166, 250, ModelFixture.EvcSs.Anchor(1), out _);
        double actual = (bin.Length - BinFile.HeaderSize) * 8.0 / (x.shape[2] * x.shape[3]);
        output.WriteLine($"estimate {estimate:F4} bpp, coded {actual:F4} bpp (padded pixels, payload only)");
        Assert.InRange(estimate / actual, 0.9, 1.1);
    }

    [Fact]
    public void Our_safetensors_round_trip_with_architecture_and_hash()
    {
        string path = Path.Combine(Path.GetTempPath(), $"evc-ss-{Guid.NewGuid():N}.safetensors");
        try
        {
            WeightsFile.Save(ModelFixture.EvcSs, path);
            var file = SafetensorsFile.Load(path);
            Assert.Equal("EVC_SS", file.Metadata["arch"]);
            Assert.Equal(WeightsFile.Hash(ModelFixture.EvcSs), file.Metadata["weights_sha256"]);
            using EvcModel reloaded = WeightsFile.Load(path, null);
            Assert.Equal(WeightsFile.Hash(ModelFixture.EvcSs), WeightsFile.Hash(reloaded));

            // A flipped byte in the data is caught by the hash.
            byte[] bytes = File.ReadAllBytes(path);
            bytes[^5] ^= 0x40;
            File.WriteAllBytes(path, bytes);
            Assert.Throws<CheckpointMismatchException>(() => WeightsFile.Load(path, null));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
