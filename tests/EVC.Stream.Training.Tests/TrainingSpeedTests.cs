using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Media;
using EVC.Stream.Model;
using EVC.Stream.Model.Models;
using EVC.Stream.Tests.Shared;
using static TorchSharp.torch;
using EVC.Stream.Imaging;

namespace EVC.Stream.Training.Tests;

/// <summary>The measures that make a training step fast must not change what is computed.</summary>
[Collection(SharedTorchState.Name)]
public class TrainingSpeedTests
{
    [Fact]
    public void Training_forwards_switch_to_channels_last_after_the_first_encoder_block_and_compute_the_same_loss()
    {
        set_num_threads(1);
        manual_seed(4);
        var model = new EvcModel(EvcArchitecture.Get("EVC_SS"));
        model.train();
        using var scope = NewDisposeScope();
        Tensor x = rand(2, 3, 64, 64);
        var modules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        bool? firstBlockOutputIsChannelsLast = null;
        var probe = ((nn.Module<Tensor, Tensor>)modules["enc.1"]).register_forward_pre_hook((_, input) => { firstBlockOutputIsChannelsLast = ChannelsLastActivations.IsChannelsLast(input); return input; });

        manual_seed(9);
        double plain = VariableRateRdObjective.Forward(model, x, [0, 3]).Loss.item<float>();
        Assert.False(firstBlockOutputIsChannelsLast);

        using (var switches = ChannelsLastActivations.Attach(model))
        {
            Assert.Equal(1, switches.Switches);
            manual_seed(9);
            double channelsLast = VariableRateRdObjective.Forward(model, x, [0, 3]).Loss.item<float>();
            Assert.True(firstBlockOutputIsChannelsLast);
            Assert.Equal(plain, channelsLast, 1e-3 * Math.Abs(plain));  // other summation order, same loss

            model.eval();  // evaluation keeps inference's layout (and so its float sums)
            using (no_grad())
                model.Analyse(x);
            Assert.False(firstBlockOutputIsChannelsLast);
            model.train();
        }
        manual_seed(9);
        VariableRateRdObjective.Forward(model, x, [0, 3]);
        Assert.False(firstBlockOutputIsChannelsLast);  // detached
        probe.remove();
    }

    [Theory]
    [InlineData(Precision.Fp32)]
    [InlineData(Precision.Bf16)]
    public async Task The_trainers_forward_is_the_network_inference_runs(Precision precision)
    {
        // Two threads: libtorch 2.10's wrong float32 channels-last convolution (AMD EPYC, AVX-512) showed only with
        // more than one; it cost the fp32 forward 0.28 dB here before the trainer checked the layouts.
        set_num_threads(2);
        string weights = Path.Combine(TestPaths.RepositoryRoot, "models", "default.safetensors");
        using EvcModel reference = WeightsFile.Load(weights, "EVC_SS");
        reference.train();
        EvcModel model = WeightsFile.Load(weights, "EVC_SS");
        var options = new TrainingOptions { BatchSize = 2, CropSize = 256, Precision = precision };
        await using RdTrainer trainer = RdTrainer.Start(model, options, TestPaths.TrainingImages);
        using var scope = NewDisposeScope();
        await using var loader = new ImageFolderLoader(TestPaths.TrainingImages, 256, 2, RateAnchorBalance.Uniform(4), seed: 3);
        TrainingBatch batch = await loader.NextAsync();
        Tensor x = empty(2, 3, 256, 256);
        batch.Pixels.AsSpan().CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(x.bytes));
        int[] rates = [1, 3];

        manual_seed(5);
        VariableRateRdObjective.Result trained = trainer.Forward(x, rates);
        manual_seed(5);
        using var shadow = precision == Precision.Bf16 ? new Bf16Shadow(reference) : null;
        shadow?.Refresh();
        VariableRateRdObjective.Result expected = shadow is null
            ? VariableRateRdObjective.Forward(reference, x, rates)
            : VariableRateRdObjective.Forward(shadow.Model, x, rates, networkType: Bf16Shadow.Bf16);
        // The reconstruction does not depend on the rate terms' noise (straight-through rounding): the same network
        // in another layout or summation order gives the same PSNR to a few thousandths of a dB.
        Assert.True(Math.Abs(trained.Psnr - expected.Psnr) < 0.02,
            $"{precision} training forward {trained.Psnr:F3} dB, the network inference runs {expected.Psnr:F3} dB (channels-last: {trainer.ChannelsLast})");
    }

    [Fact]
    public void Scalable_models_switch_every_encoder()
    {
        var model = new EvcModel(EvcArchitecture.Get("Scale_EVC_SS"));
        using var switches = ChannelsLastActivations.Attach(model);
        Assert.Equal(model.EncoderLevels, switches.Switches);
    }

    [Fact]
    public async Task Returned_batch_buffers_are_reused_and_batches_stay_those_of_a_fresh_loader()
    {
        await using var pooled = new ImageFolderLoader(TestPaths.TrainingImages, 64, 2, RateAnchorBalance.Uniform(4), seed: 21, prefetch: 1);
        await using var fresh = new ImageFolderLoader(TestPaths.TrainingImages, 64, 2, RateAnchorBalance.Uniform(4), seed: 21, prefetch: 1);
        var seen = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        bool reused = false;
        for (int i = 0; i < 6; i++)
        {
            TrainingBatch batch = await pooled.NextAsync(), expected = await fresh.NextAsync();
            Assert.Equal(expected.Pixels, batch.Pixels);
            Assert.Equal(expected.RateIndexes, batch.RateIndexes);
            reused |= !seen.Add(batch.Pixels);
            pooled.Return(batch);
        }
        Assert.True(reused, "a returned buffer carries a later batch");
    }

    [Fact]
    public async Task Crops_are_the_image_pixels_over_255()
    {
        // One 64x64 image: every crop is the whole image, flipped or not.
        string folder = Directory.CreateTempSubdirectory("evc-loader-").FullName;
        try
        {
            var rgb = new byte[64 * 64 * 3];
            new Random(2).NextBytes(rgb);
            File.WriteAllBytes(Path.Combine(folder, "a.png"), PngCodec.EncodeRgb(64, 64, rgb));
            await using var loader = new ImageFolderLoader(folder, 64, 4, RateAnchorBalance.Uniform(4), seed: 1);
            TrainingBatch batch = await loader.NextAsync();
            float[] planar = PlanarImage.LoadPng(Path.Combine(folder, "a.png")).Data;
            for (int b = 0; b < 4; b++)
            {
                float[] crop = batch.Pixels.AsSpan(b * planar.Length, planar.Length).ToArray();
                bool matches = false;
                foreach (bool flipX in new[] { false, true })
                    foreach (bool flipY in new[] { false, true })
                        matches |= crop.AsSpan().SequenceEqual(Flip(planar, 64, flipX, flipY));
                Assert.True(matches, $"sample {b} is the image (flipped) as PlanarImage reads it");
            }
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Theory]
    [InlineData(CropAugmentation.Flips, 4)]
    [InlineData(CropAugmentation.Dihedral, 8)]
    public async Task Crops_take_the_symmetries_their_augmentation_allows(CropAugmentation augmentation, int symmetries)
    {
        // One non-symmetric 64x64 image: every crop is the whole image under one symmetry of the square.
        string folder = Directory.CreateTempSubdirectory("evc-loader-").FullName;
        try
        {
            var rgb = new byte[64 * 64 * 3];
            new Random(3).NextBytes(rgb);
            File.WriteAllBytes(Path.Combine(folder, "a.png"), PngCodec.EncodeRgb(64, 64, rgb));
            float[] planar = PlanarImage.LoadPng(Path.Combine(folder, "a.png")).Data;
            var views = new List<float[]>();
            foreach (bool transpose in new[] { false, true })
                foreach (bool flipX in new[] { false, true })
                    foreach (bool flipY in new[] { false, true })
                        views.Add(transpose ? Transpose(Flip(planar, 64, flipX, flipY), 64) : Flip(planar, 64, flipX, flipY));
            await using var loader = new ImageFolderLoader(folder, 64, 16, RateAnchorBalance.Uniform(4), seed: 1, augmentation: augmentation);
            var seen = new HashSet<int>();
            for (int batchIndex = 0; batchIndex < 4; batchIndex++)
            {
                TrainingBatch batch = await loader.NextAsync();
                for (int b = 0; b < batch.Count; b++)
                {
                    float[] crop = batch.Pixels.AsSpan(b * planar.Length, planar.Length).ToArray();
                    int view = views.FindIndex(v => v.AsSpan().SequenceEqual(crop));
                    Assert.True(view >= 0, $"sample {b} of batch {batchIndex} is no symmetry of the image");
                    seen.Add(view);
                }
                loader.Return(batch);
            }
            Assert.Equal(symmetries, seen.Count);  // 64 samples: every allowed view shows up, no other
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void Freed_tensor_memory_is_kept_on_glibc()
    {
        Assert.Equal(OperatingSystem.IsLinux(), TorchRuntime.RetainFreedMemory());
    }

    private static float[] Transpose(float[] planar, int size)
    {
        var transposed = new float[planar.Length];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    transposed[(c * size + y) * size + x] = planar[(c * size + x) * size + y];
        return transposed;
    }

    private static float[] Flip(float[] planar, int size, bool flipX, bool flipY)
    {
        var flipped = new float[planar.Length];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                    flipped[(c * size + y) * size + x] = planar[(c * size + (flipY ? size - 1 - y : y)) * size + (flipX ? size - 1 - x : x)];
        return flipped;
    }
}

[Collection(SharedTorchState.Name)]
public class FusedAdamTests
{
    [Theory]
    [InlineData(1.0)]     // clipping active: the gradients' norm is far above 1
    [InlineData(1e9)]     // clipping inactive
    public void Fused_clip_and_adam_match_libtorch_clip_grad_norm_and_adam(double clipNorm)
    {
        manual_seed(5);
        // Shapes: one longer than a chunk (65,536 values), one not a multiple of the vector width, and one without a gradient.
        long[][] shapes = [[300, 257], [7, 3, 3], [5], [11]];
        var reference = shapes.Select(s => new TorchSharp.Modules.Parameter(randn(s))).ToList();
        var fused = reference.Select(p => new TorchSharp.Modules.Parameter(p.detach().clone())).ToList();
        var referenceAdam = optim.Adam(reference, lr: 1e-3);
        var fusedAdam = optim.Adam(fused, lr: 1e-3);
        for (int step = 0; step < 4; step++)
        {
            for (int i = 0; i < shapes.Length - 1; i++)
            {
                Tensor grad = randn(shapes[i]) * 3;
                reference[i].grad = grad.clone();
                fused[i].grad = grad.clone();
            }
            reference[^1].grad = null;
            fused[^1].grad = null;
            double expectedNorm = nn.utils.clip_grad_norm_(reference, clipNorm);
            referenceAdam.step();
            double norm = FusedAdam.Step(fusedAdam, fused, clipNorm);
            Assert.Equal(expectedNorm, norm, 1e-4 * expectedNorm);
        }
        for (int i = 0; i < shapes.Length; i++)
        {
            double difference = (reference[i] - fused[i]).abs().max().item<float>();
            Assert.True(difference < 1e-6, $"parameter {i}: max |Δ| {difference}");
        }
        var states = fusedAdam.state_dict().State;
        Assert.Equal(4, ((TorchSharp.Modules.Adam.State)states[0]).step);
        Assert.Equal(0, ((TorchSharp.Modules.Adam.State)states[^1]).step);  // no gradient: skipped, as libtorch's Adam does
        Assert.True(FusedAdam.Supports(fused));
    }
}
