using System.Diagnostics;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// <c>bench precision</c>: milliseconds per frame of the float networks — analysis transform, hyper encoder, synthesis
/// transform — in fp32 and bf16, NCHW and channels-last, side by side in one process: every round runs every variant
/// once, in turn, and the medians over the rounds are reported, so a shared machine's load falls on all of them alike.
/// The input is a smooth synthetic picture; the synthesis input is the fp32 analysis of it at rate index 1.
/// </summary>
public static class PrecisionBenchmark
{
    /// <summary>The variants, in the order each round runs them.</summary>
    public static IReadOnlyList<(Precision Precision, bool ChannelsLast)> Variants { get; } =
        [(Precision.Fp32, false), (Precision.Fp32, true), (Precision.Bf16, false), (Precision.Bf16, true)];

    /// <summary>Times every variant at every size (after one warm-up each); <paramref name="progress"/> hears of each size.</summary>
    public static IReadOnlyList<PrecisionVariantResult> Run(PrecisionBenchmarkOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Rounds, 1);
        EvcModel model = options.Model;
        Device device = model.QBasic.device;
        var codecs = Variants.Select(v => new ImageCodec(model, StreamMode.Deterministic, v.Precision) { ChannelsLast = v.ChannelsLast }).ToArray();
        var results = new List<PrecisionVariantResult>();
        using var noGrad = no_grad();
        foreach ((int width, int height) in options.Sizes)
        {
            progress?.Report($"{width}x{height}");
            using var scope = NewDisposeScope();
            Tensor x = Picture(ImageCodec.PaddedSize(width), ImageCodec.PaddedSize(height)).to(device);
            Tensor currQ = QScale.CurrentQ(model.QBasic, Quality.FromRateIndex(1).Resolve(model));
            Tensor y = codecs[0].AnalysisTransform(x, -1) / currQ;
            Tensor latent = y.round() * currQ;
            Tensor reference = codecs[0].SynthesisTransform(latent).clamp(0, 1);
            var encoder = codecs.Select(_ => new List<double>()).ToArray();
            var hyper = codecs.Select(_ => new List<double>()).ToArray();
            var decoder = codecs.Select(_ => new List<double>()).ToArray();
            var difference = new double[codecs.Length];
            for (int round = 0; round <= options.Rounds; round++)  // round 0 warms up (and builds the copies)
            {
                for (int v = 0; v < codecs.Length; v++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var roundScope = NewDisposeScope();
                    ImageCodec codec = codecs[v];
                    double encoderMs = Time(device, () => codec.AnalysisTransform(x, -1));
                    double hyperMs = Time(device, () => codec.HyperEncode(y));
                    Tensor? xHat = null;
                    double decoderMs = Time(device, () => xHat = codec.SynthesisTransform(latent));
                    if (round == 0)
                    {
                        difference[v] = (xHat!.clamp(0, 1) - reference).abs().max().to(ScalarType.Float64).item<double>();
                        continue;
                    }
                    encoder[v].Add(encoderMs);
                    hyper[v].Add(hyperMs);
                    decoder[v].Add(decoderMs);
                }
            }
            for (int v = 0; v < codecs.Length; v++)
                results.Add(new PrecisionVariantResult(width, height, PrecisionChoice.Name(Variants[v].Precision), Variants[v].ChannelsLast,
                    Median(encoder[v]), Median(hyper[v]), Median(decoder[v]), difference[v]));
        }
        return results;
    }

    private static double Time(Device device, Action run)
    {
        long start = Stopwatch.GetTimestamp();
        run();
        if (device.type == TorchSharp.DeviceType.CUDA)
            cuda.synchronize();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>A smooth picture with some texture (1, 3, H, W) in [0.15, 0.85].</summary>
    private static Tensor Picture(int width, int height)
    {
        var pixels = new float[3 * width * height];
        for (int c = 0; c < 3; c++)
            for (int yy = 0; yy < height; yy++)
                for (int xx = 0; xx < width; xx++)
                    pixels[(c * height + yy) * width + xx] = (float)(0.5 + 0.35 * Math.Sin(xx * 0.031 * (c + 1) + yy * 0.017) * Math.Cos(yy * 0.023 - xx * 0.011 * c));
        return tensor(pixels, new long[] { 1, 3, height, width });
    }
}
