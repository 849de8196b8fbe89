using EVC.Stream.Media;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Deterministic;
using EVC.Stream.Tests.Shared;
using Xunit.Abstractions;
using static TorchSharp.torch;
using EVC.Stream.Imaging;

namespace EVC.Stream.Model.Tests;

/// <summary>Thread counts are process-wide: tests that change them run alone.</summary>
[CollectionDefinition("Threads", DisableParallelization = true)]
public sealed class ThreadsTestGroup;

/// <summary>
/// Deterministic mode: streams encoded with one batch size and thread count decode elsewhere to the encoder's symbols.
/// Every test restores the single thread the official-mode conformance tests need.
/// </summary>
[Collection("Threads")]
public class DeterministicModeTests(ITestOutputHelper output)
{
    private const int Side = 128;

    [Fact]
    public void Twenty_frames_encoded_in_batches_of_four_with_two_threads_decode_alone_with_one_thread()
    {
        var codec = new ImageCodec(ModelFixture.EvcSs, StreamMode.Deterministic);
        float[][] frames = KodakCrops(20);
        double q = ModelFixture.EvcSs.Anchor(1);
        try
        {
            set_num_threads(2);
            var encoded = new List<ImageCodec.BatchItem>();
            for (int start = 0; start < frames.Length; start += 4)
            {
                using var scope = NewDisposeScope();
                encoded.AddRange(codec.CompressBatch(Batch(frames, start, 4), Side, Side, q));
            }

            var twoThreads = new List<(float[] Latent, byte[] Pixels)>();
            foreach (ImageCodec.BatchItem item in encoded)
                twoThreads.Add(Decode(codec, item, out _));
            set_num_threads(1);
            int differingPixels = 0, maxPixelDifference = 0;
            for (int i = 0; i < encoded.Count; i++)
            {
                (float[] latent, byte[] pixels) = Decode(codec, encoded[i], out List<byte[]> indexes);
                Assert.Equal(encoded[i].Pass0Indexes, indexes[0]);
                Assert.Equal(encoded[i].Pass1Indexes, indexes[1]);
                Assert.Equal(twoThreads[i].Latent, latent);  // ŷ: bit for bit
                for (int p = 0; p < pixels.Length; p++)
                {
                    int difference = Math.Abs(pixels[p] - twoThreads[i].Pixels[p]);
                    differingPixels += difference > 0 ? 1 : 0;
                    maxPixelDifference = Math.Max(maxPixelDifference, difference);
                }
            }
            // The synthesis transform stays float (it decides pixels, never synchronisation): 1 and 2 threads may
            // round a handful of 8-bit values differently, by one level.
            output.WriteLine($"8-bit values differing between 1- and 2-thread synthesis: {differingPixels} of {frames.Length * 3 * Side * Side}, max {maxPixelDifference}");
            Assert.True(maxPixelDifference <= 1);
        }
        finally
        {
            set_num_threads(1);
        }
    }

    [Fact]
    public void Random_inputs_sizes_and_rates_decode_with_another_batch_and_thread_count()
    {
        var codec = new ImageCodec(ModelFixture.EvcSs, StreamMode.Deterministic);
        var random = new Random(2026);
        try
        {
            for (int trial = 0; trial < 6; trial++)
            {
                int height = random.Next(40, 200), width = random.Next(40, 200);
                double q = Math.Exp(random.NextDouble() * Math.Log(40)) * 0.1;  // 0.1 … 4
                int hPad = (height + 63) / 64 * 64, wPad = (width + 63) / 64 * 64;
                var pixels = new float[2 * 3 * hPad * wPad];
                double frequency = random.NextDouble() * 0.5;
                for (int i = 0; i < pixels.Length; i++)
                    pixels[i] = (float)Math.Clamp(0.5 + 0.4 * Math.Sin(i * frequency) + 0.2 * (random.NextDouble() - 0.5), 0, 1);
                set_num_threads(2);
                ImageCodec.BatchItem[] items;
                using (NewDisposeScope())
                    items = codec.CompressBatch(tensor(pixels, new long[] { 2, 3, hPad, wPad }), height, width, q);
                set_num_threads(1);
                foreach (ImageCodec.BatchItem item in items)
                {
                    Decode(codec, item, out List<byte[]> indexes);
                    Assert.Equal(item.Pass0Indexes, indexes[0]);
                    Assert.Equal(item.Pass1Indexes, indexes[1]);
                }
                output.WriteLine($"trial {trial}: {width}x{height}, q_scale {q:F3}: {items[0].Bin.Length} + {items[1].Bin.Length} bytes decoded");
            }
        }
        finally
        {
            set_num_threads(1);
        }
    }

    [Theory]
    [InlineData(1, 20.0, 1e-3)]
    [InlineData(2, 3.0, 5e-2)]  // version 2: 5–9-bit weights, inner inputs clamped at 16 (docs/determinism.md)
    public void Fixed_point_layers_give_identical_integers_for_any_batch_and_thread_count(int version, double amplitude, double tolerance)
    {
        using var scope = NewDisposeScope();
        FixedPointArithmetic arithmetic = FixedPointArithmetic.OfVersion(version);
        var state = ModelFixture.EvcSs.state_dict();
        using var block = new FixedPointDepthConvBlock(state, "y_spatial_prior.0.", CPU, arithmetic);
        var random = new Random(5);
        var values = new double[4 * 768 * 6 * 10];
        for (int i = 0; i < values.Length; i++)
            values[i] = Math.Round((random.NextDouble() * 2 - 1) * amplitude * arithmetic.One);
        Tensor batch = tensor(values, new long[] { 4, 768, 6, 10 }).to(arithmetic.ElementType);
        Tensor together;
        try
        {
            set_num_threads(2);
            together = block.Forward(batch);
            set_num_threads(1);
            for (int b = 0; b < 4; b++)
            {
                Tensor alone = block.Forward(batch.narrow(0, b, 1));
                Assert.True(alone.eq(together.narrow(0, b, 1)).all().item<bool>(), $"item {b} differs between batch 4 / 2 threads and batch 1 / 1 thread");
            }
        }
        finally
        {
            set_num_threads(1);
        }
        // Every value is an integer (a fixed-point activation), and the block approximates the float block.
        Assert.True(together.eq(together.floor()).all().item<bool>());
        Tensor reference = ModelFixture.EvcSs.SpatialPrior.named_children().First().module is nn.Module<Tensor, Tensor> first
            ? first.forward((batch.to(ScalarType.Float64) / arithmetic.One).to(ScalarType.Float32)) : throw new InvalidOperationException();
        double error = (together.to(ScalarType.Float64) / arithmetic.One - reference.to(ScalarType.Float64)).abs().max().item<double>();
        double magnitude = reference.abs().max().item<float>();
        output.WriteLine($"version {version}: fixed point vs float32 block: max error {error:E2} on values up to {magnitude:F2}");
        Assert.True(error < tolerance * Math.Max(1, magnitude), $"fixed point is {error} away from the float block");
    }

    [Theory]
    [InlineData(StreamMode.DeterministicV1, 8.0)]
    [InlineData(StreamMode.Deterministic, 1.5)]
    public void No_activation_of_a_full_photograph_reaches_a_clamp(StreamMode mode, double minimumHeadroom)
    {
        var codec = new ImageCodec(ModelFixture.EvcSs, mode);
        FixedPointConv[] convolutions = [.. codec.DeterministicParameters.Convolutions];
        PlanarImage image = PlanarImage.LoadPng(Path.Combine(TestPaths.Kit, "inputs", "kodim23.png"));
        try
        {
            foreach (FixedPointConv conv in convolutions)
                conv.CountClamping = true;
            foreach (int rate in new[] { 0, 3 })
            {
                using var scope = NewDisposeScope();
                Tensor x = ImageCodec.Pad(tensor(image.Data, new long[] { 1, 3, image.Height, image.Width }));
                codec.Decompress(codec.Compress(x, image.Height, image.Width, ModelFixture.EvcSs.Anchor(rate), out _), out _, out _);
            }
            double headroom = convolutions.Min(c => c.InputLimit / c.InputOne / Math.Max(c.LargestInput, 1));
            double smallestLimit = convolutions.Min(c => c.InputLimit / c.InputOne);
            double largest = convolutions.Max(c => c.LargestInput);
            output.WriteLine($"{mode}: {convolutions.Length} convolutions; largest input {largest:F1}; smallest clamp {smallestLimit:F0}; smallest clamp/input ratio {headroom:F1}");
            Assert.Equal(0, convolutions.Sum(c => c.ClampedValues));
            Assert.True(headroom > minimumHeadroom, $"an activation came within {headroom:F1}x of its clamp");
        }
        finally
        {
            foreach (FixedPointConv conv in convolutions)
                conv.CountClamping = false;
        }
    }

    [Fact]
    public void Weight_exponents_are_exact_powers_of_two_that_fit_fifteen_bits()
    {
        Assert.Equal(14, FixedPoint.WeightExponent(1.0));           // 1.0 · 2^14 = 16384 < 32768
        Assert.Equal(14, FixedPoint.WeightExponent(1.9999));        // 32766.4 → 32766
        Assert.Equal(13, FixedPoint.WeightExponent(1.99999));       // 32767.8 → 32768 does not fit: one less
        Assert.Equal(24, FixedPoint.WeightExponent(0.001));
        Assert.Equal(FixedPoint.MaxWeightExponent, FixedPoint.WeightExponent(1e-30));
        Assert.Equal(0, FixedPoint.WeightExponent(0));
    }

    [Fact]
    public void Official_mode_is_unchanged_and_the_mode_round_trips_through_the_bin()
    {
        float[][] frames = KodakCrops(1);
        using var scope = NewDisposeScope();
        Tensor x = Batch(frames, 0, 1);
        double q = ModelFixture.EvcSs.Anchor(2);
        byte[] official = new ImageCodec(ModelFixture.EvcSs).Compress(x, Side, Side, q, out _);
        byte[] deterministic = new ImageCodec(ModelFixture.EvcSs, StreamMode.Deterministic).Compress(x, Side, Side, q, out _);
        Assert.Equal(StreamMode.Official, BinFile.ReadWithMode(official).Mode);
        Assert.Equal(StreamMode.Deterministic, BinFile.ReadWithMode(deterministic).Mode);
        Assert.Equal("EVCD\u0002"u8.ToArray(), deterministic[..5]);
        // Either codec decodes either stream: the decoder follows the stream's mode.
        Tensor fromOfficial = new ImageCodec(ModelFixture.EvcSs, StreamMode.Deterministic).Decompress(official, out _, out _);
        Tensor fromDeterministic = new ImageCodec(ModelFixture.EvcSs).Decompress(deterministic, out _, out _);
        double psnrOfficial = Psnr(fromOfficial, x), psnrDeterministic = Psnr(fromDeterministic, x);
        output.WriteLine($"official {official.Length} B {psnrOfficial:F3} dB; deterministic {deterministic.Length} B {psnrDeterministic:F3} dB");
        Assert.InRange(deterministic.Length - BinFile.DeterministicPrefixSize, official.Length * 0.97, official.Length * 1.03);
        Assert.InRange(psnrDeterministic, psnrOfficial - 0.05, psnrOfficial + 0.05);
    }

    private static (float[] Latent, byte[] Pixels) Decode(ImageCodec codec, ImageCodec.BatchItem item, out List<byte[]> indexes)
    {
        using var scope = NewDisposeScope();
        var seen = new List<byte[]>();
        float[] latent = [];
        Tensor xHat = codec.Decompress(item.Bin, out int height, out int width, (_, _, passIndexes) => seen.Add(passIndexes),
            yHat => latent = yHat.cpu().data<float>().ToArray());
        indexes = seen;
        Tensor cropped = xHat.narrow(2, 0, height).narrow(3, 0, width).mul(255).round().to(ScalarType.Byte).cpu().contiguous();
        return (latent, cropped.data<byte>().ToArray());
    }

    private static double Psnr(Tensor xHat, Tensor x)
    {
        using Tensor mse = (xHat.mul(255).round() / 255 - x).square().mean();
        return 10 * Math.Log10(1 / mse.item<float>());
    }

    private static Tensor Batch(float[][] frames, int start, int count)
    {
        var data = new float[count * 3 * Side * Side];
        for (int b = 0; b < count; b++)
            frames[start + b].CopyTo(data, b * 3 * Side * Side);
        return tensor(data, new long[] { count, 3, Side, Side });
    }

    /// <summary>128x128 crops of the kit's photographs at different offsets.</summary>
    private static float[][] KodakCrops(int count)
    {
        string[] files = Directory.GetFiles(Path.Combine(TestPaths.Kit, "inputs"), "kodim*.png");
        Array.Sort(files, StringComparer.Ordinal);
        var images = files.Select(PlanarImage.LoadPng).Where(i => i.Width >= Side && i.Height >= Side).ToArray();
        var crops = new float[count][];
        for (int n = 0; n < count; n++)
        {
            PlanarImage image = images[n % images.Length];
            int x0 = (n * 97) % (image.Width - Side + 1), y0 = (n * 53) % (image.Height - Side + 1);
            var crop = new float[3 * Side * Side];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < Side; y++)
                    Array.Copy(image.Data, c * image.Width * image.Height + (y0 + y) * image.Width + x0, crop, (c * Side + y) * Side, Side);
            crops[n] = crop;
        }
        return crops;
    }
}
