using System.Diagnostics;
using EVC.Stream.Model.Codec;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace EVC.Stream.Model.Tests;

/// <summary>A long encode/decode loop must not grow memory: every tensor is disposed by its scope.</summary>
[CollectionDefinition("Memory", DisableParallelization = true)]
public sealed class MemoryTestGroup;

[Collection("Memory")]
public class MemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void Repeated_compress_and_decompress_keep_memory_flat()
    {
        var codec = new ImageCodec(ModelFixture.EvcSs);
        var generator = new Random(3);
        var pixels = new float[3 * 64 * 64];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = (float)generator.NextDouble();

        void Frame()
        {
            using var scope = NewDisposeScope();
            Tensor x = tensor(pixels, new long[] { 1, 3, 64, 64 });
            byte[] bin = codec.Compress(x, 64, 64, 1.0, out _);
            codec.Decompress(bin, out _, out _);
        }

        static long Rss()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using var process = Process.GetCurrentProcess();
            return process.WorkingSet64;
        }

        // Warm up (allocator pools, lazily built tables), then sample RSS every 100 frames.
        for (int i = 0; i < 100; i++)
            Frame();
        long tensorsBefore = Tensor.TotalCount;
        var samples = new List<long> { Rss() };
        for (int block = 0; block < 9; block++)  // 1000 frames in all
        {
            for (int i = 0; i < 100; i++)
                Frame();
            samples.Add(Rss());
        }
        output.WriteLine($"RSS every 100 frames (after 100 warm-up frames): {string.Join(", ", samples.Select(s => $"{s / 1048576.0:F1}"))} MiB; live tensors {tensorsBefore} -> {Tensor.TotalCount}");
        Assert.True(Tensor.TotalCount - tensorsBefore < 10, $"{Tensor.TotalCount - tensorsBefore} tensors leaked");
        // Flat means the last 800 frames added (almost) nothing: a per-frame leak of even one activation would show.
        Assert.True(samples[^1] - samples[1] < 24L << 20, $"RSS grew by {(samples[^1] - samples[1]) / 1048576.0:F1} MiB over 800 frames");
    }
}
