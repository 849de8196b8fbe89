using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Deterministic;
using EVC.Stream.Imaging;
using EVC.Stream.Tests.Shared;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace EVC.Stream.Model.Tests;

/// <summary>
/// Deterministic mode version 2 (docs/determinism.md): every convolution's sums are integers below 2^24, so the float32
/// GEMMs libtorch runs give exactly the integers of a plain int64 kernel — at realistic inputs and at the worst case the
/// clamp allows. Version 1 streams still decode.
/// </summary>
[Collection("Threads")]
public class ExactArithmeticTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_version_2_convolution_computed_by_float32_GEMM_equals_the_integer_kernel_even_at_the_clamp()
    {
        var codec = new ImageCodec(ModelFixture.EvcSs, StreamMode.Deterministic);
        FixedPointConv[] convolutions = [.. codec.DeterministicParameters.Convolutions];
        FixedPointArithmetic arithmetic = codec.DeterministicParameters.Arithmetic;
        Assert.Equal(2, arithmetic.Version);
        Assert.Equal(ScalarType.Float32, arithmetic.ElementType);
        var random = new Random(11);
        double largestSum = 0;
        try
        {
            set_num_threads(2);
            foreach (FixedPointConv conv in convolutions)
            {
                var layer = conv.Integers();
                int outChannels = layer.Biases.Length;
                int inChannels = layer.Depthwise ? outChannels : layer.Weights.Length / outChannels;
                const int Height = 5, Width = 7;
                double storageLimit = Math.ScaleB(conv.InputLimit, layer.InputShift);
                foreach (string input in new[] { "random", "worst case" })
                {
                    var values = new double[inChannels * Height * Width];
                    if (input == "random")
                    {
                        for (int i = 0; i < values.Length; i++)
                            values[i] = Math.Round((random.NextDouble() * 2 - 1) * storageLimit * 1.2);  // some beyond the clamp
                    }
                    else
                    {
                        // Every input at ±the clamp, signed like the weights of the channel with the largest Σ|W|: its sum
                        // reaches the bound the exponents were chosen for.
                        int worst = WorstChannel(layer.Weights, outChannels, layer.Depthwise);
                        for (int k = 0; k < inChannels; k++)
                        {
                            double sign = layer.Depthwise ? 1 : Math.Sign(layer.Weights[worst * inChannels + k]) * Math.Sign(layer.Biases[worst] + 0.5);
                            for (int p = 0; p < Height * Width; p++)
                                values[k * Height * Width + p] = layer.Depthwise ? Math.Sign(layer.Weights[k * 9 + 4] + 0.5) * storageLimit : sign * storageLimit;
                        }
                    }
                    using var scope = NewDisposeScope();
                    Tensor x = tensor(values, new long[] { 1, inChannels, Height, Width }).to(ScalarType.Float32);
                    float[] fast = conv.Forward(x).contiguous().data<float>().ToArray();
                    long[] exact = IntegerConvReference.Forward(layer, conv.InputLimit, values, inChannels, Height, Width, out double largest);
                    largestSum = Math.Max(largestSum, largest);
                    for (int i = 0; i < exact.Length; i++)
                        Assert.True(exact[i] == (long)fast[i], $"{conv.Name}, {input} input, value {i}: float32 {fast[i]}, integer kernel {exact[i]}");
                }
            }
        }
        finally
        {
            set_num_threads(1);
        }
        output.WriteLine($"{convolutions.Length} convolutions; largest |partial sum| bound reached {largestSum:F0} (2^24 = 16777216)");
        Assert.True(largestSum < 16777216);
        Assert.True(largestSum > 16777216 / 4, "the worst case should come close to the bound, or the test does not test it");
    }

    [Fact]
    public void A_version_1_stream_still_decodes_to_the_same_picture()
    {
        PlanarImage image = PlanarImage.LoadPng(Path.Combine(TestPaths.Kit, "inputs", "kodim23.png"));
        using var scope = NewDisposeScope();
        Tensor x = ImageCodec.Pad(tensor(image.Data, new long[] { 1, 3, image.Height, image.Width })).narrow(2, 0, 128).narrow(3, 0, 192);
        double q = ModelFixture.EvcSs.Anchor(1);
        byte[] v1 = new ImageCodec(ModelFixture.EvcSs, StreamMode.DeterministicV1).Compress(x, 128, 192, q, out _);
        byte[] v2 = new ImageCodec(ModelFixture.EvcSs, StreamMode.Deterministic).Compress(x, 128, 192, q, out _);
        Assert.Equal(StreamMode.DeterministicV1, BinFile.ReadWithMode(v1).Mode);
        Assert.Equal(StreamMode.Deterministic, BinFile.ReadWithMode(v2).Mode);
        // A codec made for the current mode follows the stream's version.
        Tensor fromCurrent = new ImageCodec(ModelFixture.EvcSs, StreamMode.Deterministic).Decompress(v1, out _, out _);
        Tensor fromV1 = new ImageCodec(ModelFixture.EvcSs, StreamMode.DeterministicV1).Decompress(v1, out _, out _);
        Assert.True(fromCurrent.eq(fromV1).all().item<bool>());
        double mse = (fromCurrent - x).pow(2).mean().item<float>();
        double psnr = 10 * Math.Log10(1 / mse);
        output.WriteLine($"v1 {v1.Length} bytes, v2 {v2.Length} bytes; v1 stream decoded at {psnr:F2} dB");
        Assert.True(psnr > 20, $"a version 1 stream decoded to {psnr:F2} dB: garbage");
    }

    private static int WorstChannel(double[] weights, int outChannels, bool depthwise)
    {
        int per = weights.Length / outChannels, worst = 0;
        double best = -1;
        for (int o = 0; o < outChannels; o++)
        {
            double sum = 0;
            for (int k = 0; k < per; k++)
                sum += Math.Abs(weights[o * per + k]);
            if (sum > best)
                (best, worst) = (sum, o);
        }
        return depthwise ? 0 : worst;
    }
}
