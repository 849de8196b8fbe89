using System.Diagnostics;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// <c>bench model</c>: CPU time per frame of the full official-format compress and decompress (networks and entropy
/// coding), against the official PyTorch figures measured on this kind of machine (kit README).
/// </summary>
public static class ModelBenchmark
{
    /// <summary>Official PyTorch 1.13 CPU, 768x512, EVC_SS (kit README): seconds per compress / decompress.</summary>
    private static (double Compress, double Decompress)? Official(int threads, int width, int height) =>
        (width, height, threads) switch
        {
            (768, 512, 2) => (1.19, 0.78),
            (768, 512, 1) => (22.7, 16.6),
            _ => null,
        };

    /// <summary>Times compress (with the encoder-side reconstruction) and decompress of a random frame, after warm-up frames.</summary>
    public static ModelBenchmarkResult Run(ModelBenchmarkOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        int width = options.Width, height = options.Height;
        set_num_threads(options.Threads);
        EvcModel model = options.Weights is null ? new EvcModel(EvcArchitecture.Get(options.Arch)) : WeightsFile.Load(options.Weights, options.Arch);
        var codec = new ImageCodec(model);
        var random = new Random(7);
        var pixels = new float[3 * width * height];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = (float)random.NextDouble();

        double q = Quality.FromRateIndex(1).Resolve(model);
        var compress = new double[options.Repeat];
        var decompress = new double[options.Repeat];
        // Warm-up frames: the first runs at a new size create and cache oneDNN primitives and allocator pools.
        const int WarmUp = 3;
        for (int r = -WarmUp; r < options.Repeat; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            Tensor x = ImageCodec.Pad(tensor(pixels, new long[] { 1, 3, height, width }));
            long start = Stopwatch.GetTimestamp();
            byte[] bin = codec.Compress(x, height, width, q, out CompressionTrace trace);
            // The official compress also reconstructs x_hat (the encoder-side picture); time the same work.
            using (no_grad())
                model.Decoder.forward(trace.YHat).clamp_(0, 1);
            double compressSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            start = Stopwatch.GetTimestamp();
            codec.Decompress(bin, out _, out _);
            double decompressSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (r >= 0)
            {
                compress[r] = compressSeconds;
                decompress[r] = decompressSeconds;
            }
        }
        var official = Official(options.Threads, width, height);
        return new ModelBenchmarkResult(BenchmarkMath.Median(compress), BenchmarkMath.Median(decompress), official?.Compress, official?.Decompress);
    }
}
