using System.Text.Json;
using EVC.Stream.Media;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Conformance;
using EVC.Stream.Safetensors;
using Xunit.Abstractions;
using static TorchSharp.torch;
using EVC.Stream.Imaging;

namespace EVC.Stream.Model.Tests;

/// <summary>
/// The official float32 summation order (<see cref="ReferenceOrderKernels"/>, <see cref="ReferenceOrderNetwork"/>):
/// bit-identical to the official tensors of the kit, independent of threads, and really needed (libtorch's own
/// convolutions are not bit-identical).
/// </summary>
public class ReferenceOrderTests(ITestOutputHelper output)
{
    /// <summary>Kit cases with their level of stored tensors.</summary>
    public static IEnumerable<object[]> CasesWithPriorTensors()
    {
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(FactorizedPriorTests.Kit(), "manifest.json")));
        foreach (JsonElement c in manifest.RootElement.GetProperty("cases").EnumerateArray())
        {
            string level = c.GetProperty("tensor_level").GetString()!;
            if (level is "full" or "mid")
                yield return new object[] { c.GetProperty("name").GetString()! };
        }
    }

    private static (JsonElement Case, SafetensorsFile Tensors) Load(string name)
    {
        string kit = FactorizedPriorTests.Kit();
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(kit, "manifest.json")));
        JsonElement kitCase = manifest.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).Clone();
        return (kitCase, SafetensorsFile.Load(Path.Combine(kit, kitCase.GetProperty("tensors").GetString()!)));
    }

    private static float[] Values(Tensor t)
    {
        using Tensor cpu = t.detach().cpu().contiguous();
        return cpu.data<float>().ToArray();
    }

    /// <summary>Number of float32 values whose bits differ (−0 and +0 count as equal).</summary>
    private static int BitDifferences(float[] official, float[] ours)
    {
        Assert.Equal(official.Length, ours.Length);
        int differences = 0;
        for (int i = 0; i < official.Length; i++)
            if (official[i] != ours[i] && !(float.IsNaN(official[i]) && float.IsNaN(ours[i])))
                differences++;
        return differences;
    }

    [Theory]
    [MemberData(nameof(CasesWithPriorTensors))]
    public void Entropy_parameters_equal_the_official_tensors_bit_for_bit(string name)
    {
        (JsonElement kitCase, SafetensorsFile tensors) = Load(name);
        PlanarImage input = PlanarImage.LoadPng(Path.Combine(FactorizedPriorTests.Kit(), kitCase.GetProperty("input").GetString()!));
        var codec = new ImageCodec(ModelFixture.EvcSs);
        using var scope = NewDisposeScope();
        Tensor x = ImageCodec.Pad(tensor(input.Data, new long[] { 1, 3, input.Height, input.Width }));
        codec.Compress(x, input.Height, input.Width, kitCase.GetProperty("q_scale_requested").GetDouble(), out CompressionTrace trace);

        var compared = new List<(string, Tensor)> { ("pass0_scales", trace.Pass0Scales), ("pass1_scales", trace.Pass1Scales),
            ("pass0_means", trace.Pass0Means), ("pass1_means", trace.Pass1Means) };
        if (tensors.Contains("prior_scales"))
            compared.AddRange([("prior_q_step", trace.PriorQStep), ("prior_scales", trace.PriorScales), ("prior_means", trace.PriorMeans),
                ("spatial_prior_out", trace.SpatialPriorOutput)]);
        foreach ((string tensorName, Tensor ours) in compared)
        {
            int differences = BitDifferences(tensors.GetFloat32(tensorName), Values(ours));
            output.WriteLine($"{name} {tensorName}: {differences} values differ");
            Assert.Equal(0, differences);
        }
    }

    [Fact]
    public void Hyper_decoder_equals_the_official_tensor_from_the_official_z_hat()
    {
        (_, SafetensorsFile tensors) = Load("ss_kodim01_r0");
        using var scope = NewDisposeScope();
        SafetensorsEntry entry = tensors.GetEntry("z_hat");
        Tensor zHat = tensor(tensors.GetInt32("z_hat"), entry.Shape).to(ScalarType.Float32);
        ReferenceOrderPriors priors = ModelFixture.EvcSs.ReferenceOrderPriors;
        Assert.Equal(0, BitDifferences(tensors.GetFloat32("hyper_dec_out"), Values(priors.HyperDecoder.forward(zHat))));

        // The reason this path exists: libtorch's own kernels (another BLAS and oneDNN) do not give the official bits.
        using (no_grad())
        {
            int libtorch = BitDifferences(tensors.GetFloat32("hyper_dec_out"), Values(ModelFixture.EvcSs.HyperDecoder.forward(zHat)));
            output.WriteLine($"libtorch hyper_dec: {libtorch} values differ from the official ones");
        }
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 1)]
    public void Results_do_not_depend_on_threads_or_batch(int threadsA, int threadsB)
    {
        ReferenceOrderPriors priors = ModelFixture.EvcSs.ReferenceOrderPriors;
        using var scope = NewDisposeScope();
        Tensor z = randint(-6, 7, new long[] { 3, 192, 5, 7 }, generator: new TorchSharp.torch.Generator(11)).to(ScalarType.Float32);
        int saved = priors.HyperDecoder.Threads;
        try
        {
            priors.HyperDecoder.Threads = threadsA;
            float[] batched = Values(priors.HyperDecoder.forward(z));
            priors.HyperDecoder.Threads = threadsB;
            float[] single = Values(priors.HyperDecoder.forward(z.narrow(0, 2, 1)));
            Assert.Equal(0, BitDifferences(batched.AsSpan(batched.Length / 3 * 2).ToArray(), single));
        }
        finally
        {
            priors.HyperDecoder.Threads = saved;
        }
    }

    [Theory]
    [InlineData(5, 7, 3)]      // fewer pixels than a strip, channels not a multiple of 4
    [InlineData(16, 50, 9)]    // two strips and a tail
    [InlineData(64, 96, 12)]
    public void Pointwise_kernel_adds_each_term_in_order_with_separate_roundings(int inChannels, int pixels, int outChannels)
    {
        var random = new Random(inChannels * 1000 + pixels);
        float[] x = Random(random, inChannels * pixels), w = Random(random, outChannels * inChannels), b = Random(random, outChannels);
        var y = new float[outChannels * pixels];
        ReferenceOrderKernels.Pointwise(x, inChannels, pixels, w, b, y, outChannels);
        for (int o = 0; o < outChannels; o++)
            for (int p = 0; p < pixels; p++)
            {
                float expected = b[o];
                for (int k = 0; k < inChannels; k++)
                    expected = (float)(expected + (float)((double)w[o * inChannels + k] * x[k * pixels + p]));
                Assert.Equal(expected, y[o * pixels + p]);
            }
        // A fused multiply-add in the same order gives other bits somewhere: the kernel must not use one.
        int fusedEqual = 0;
        for (int p = 0; p < pixels; p++)
        {
            float fused = b[0];
            for (int k = 0; k < inChannels; k++)
                fused = MathF.FusedMultiplyAdd(w[k], x[k * pixels + p], fused);
            fusedEqual += fused == y[p] ? 1 : 0;
        }
        output.WriteLine($"fused multiply-add agrees on {fusedEqual} of {pixels} pixels");
    }

    [Theory]
    [InlineData(3, 1, 1)]
    [InlineData(2, 4, 9)]
    [InlineData(4, 7, 29)]
    public void Depthwise_kernel_starts_from_the_bias_and_fuses_each_tap_in_row_order(int channels, int height, int width)
    {
        var random = new Random(channels * 100 + width);
        float[] x = Random(random, channels * height * width), w = Random(random, channels * 9), b = Random(random, channels);
        var y = new float[x.Length];
        ReferenceOrderKernels.Depthwise3x3(x, channels, height, width, w, b, y);
        for (int c = 0; c < channels; c++)
            for (int h = 0; h < height; h++)
                for (int col = 0; col < width; col++)
                {
                    float expected = b[c];
                    for (int kh = 0; kh < 3; kh++)
                        for (int kw = 0; kw < 3; kw++)
                        {
                            int row = h + kh - 1, column = col + kw - 1;
                            if (row >= 0 && row < height && column >= 0 && column < width)
                                expected = MathF.FusedMultiplyAdd(x[(c * height + row) * width + column], w[c * 9 + kh * 3 + kw], expected);
                        }
                    Assert.Equal(expected, y[(c * height + h) * width + col]);
                }
    }

    private static float[] Random(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }
}
