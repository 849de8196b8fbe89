using System.Diagnostics;
using System.Globalization;
using EVC.Stream.Evaluation;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// <c>bench speed</c>: per-stage latency of coding one frame — encoder network, hyperprior and priors, entropy
/// encoding, entropy decoding with the decoder-side priors, decoder network — over repeated frames, and end-to-end
/// frame rates from wall time (host pixels to payloads, payloads to host pixels). With a batch the encoder side runs as
/// the capture pipeline does: one network pass over N frames, then their entropy coding in parallel; the decoder side
/// decodes the N frames one by one, as playback does. Draws the latencies to a PNG. Each stage's multiply-adds
/// (<see cref="FrameMultiplyAdds"/>) over its median time give the rate it achieved, reported as a fraction of the
/// machine's peak measured first (<see cref="PeakThroughput"/>).
/// </summary>
public static class SpeedBenchmark
{
    /// <summary>The stages, in coding order.</summary>
    public static IReadOnlyList<string> Stages { get; } = [CodecStageTiming.EncoderNetwork, CodecStageTiming.HyperpriorAndPriors, CodecStageTiming.EntropyEncoding, CodecStageTiming.EntropyDecodingAndPriors, CodecStageTiming.DecoderNetwork];

    /// <summary>Times the frames (after one warm-up); <paramref name="progress"/> hears of each (<c>warm-up</c>, <c>frame 2/5</c>).</summary>
    public static SpeedBenchmarkResult Run(SpeedBenchmarkOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        int width = options.Width, height = options.Height;
        bool cuda = !options.Device.IsCpu;
        set_num_threads(options.Threads);
        EvcModel model = options.Model;
        var codec = new ImageCodec(model, options.Official ? StreamMode.Official : options.DeterministicMode, options.Precision);
        string precision = PrecisionChoice.Name(codec.Precision);
        int frames = options.Frames ?? (cuda ? 50 : 5);
        var samples = Stages.ToDictionary(s => s, _ => new List<double>());
        bool record = false;
        codec.StageTimer = (stage, elapsed) =>
        {
            // Entropy coding of a batch runs on several threads at once.
            if (record && samples.TryGetValue(stage, out List<double>? list))
                lock (list)
                    list.Add(elapsed.TotalMilliseconds);
        };

        int batch = options.Batch;
        int paddedWidth = ImageCodec.PaddedSize(width), paddedHeight = ImageCodec.PaddedSize(height);
        int planeFloats = 3 * paddedWidth * paddedHeight;
        var pixels = new float[batch * planeFloats];
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)  // each frame of a batch shifted, so none is a copy of another
                        pixels[b * planeFloats + (c * paddedHeight + y) * paddedWidth + x] = (float)(0.5 + 0.35 * Math.Sin((x + 7 * b) * 0.031 * (c + 1) + y * 0.017) * Math.Cos(y * 0.023 - x * 0.011 * c));
        // The peak first, on an otherwise idle process: the frames' tensors are not allocated yet.
        int peakSize = options.PeakMatrixSize ?? (cuda ? PeakThroughput.DefaultCudaMatrixSize : PeakThroughput.DefaultCpuMatrixSize);
        PeakThroughputResult? peak = null;
        if (peakSize > 0)
        {
            progress?.Report("peak multiply-add rate");
            peak = PeakThroughput.Measure(options.Device, options.Threads, peakSize);
        }
        FrameMultiplyAdds macs = FrameMultiplyAdds.Of(model, paddedWidth, paddedHeight);
        double q = Quality.FromRateIndex(1).Resolve(model);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads, CancellationToken = cancellationToken };
        var encodeWall = new List<double>();
        var decodeWall = new List<double>();
        for (int i = 0; i <= frames; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            record = i > 0;  // iteration 0 warms up
            progress?.Report(i == 0 ? "warm-up" : $"{(batch > 1 ? "batch" : "frame")} {i}/{frames}");
            using var scope = NewDisposeScope();
            // End to end: the upload of host pixels and the download of the reconstruction count.
            long start = Stopwatch.GetTimestamp();
            Tensor x = tensor(pixels, new long[] { batch, 3, paddedHeight, paddedWidth }).to(options.Device.Device);
            ImageCodec.FrameSymbols[] symbols = codec.AnalyseBatch(x, q);
            var payloads = new byte[batch][];
            if (batch == 1)
                payloads[0] = codec.EncodePayload(symbols[0]);
            else
                Parallel.For(0, batch, parallel, b => payloads[b] = codec.EncodePayload(symbols[b]));
            long encoded = Stopwatch.GetTimestamp();
            for (int b = 0; b < batch; b++)
            {
                using var frameScope = NewDisposeScope();
                _ = codec.DecompressPayload(payloads[b], height, width, symbols[b].QIndex, codec.Mode).cpu();
            }
            if (record)
            {
                encodeWall.Add(Stopwatch.GetElapsedTime(start, encoded).TotalMilliseconds);
                decodeWall.Add(Stopwatch.GetElapsedTime(encoded).TotalMilliseconds);
            }
        }

        List<SpeedStageResult> rows = [.. Stages.Select(s => Row(s, [.. samples[s].Order()], macs, batch, peak))];
        // Frames per second from the median wall time of a batch (all stages, transfers and CUDA syncs included).
        double encodeFps = batch * 1000 / Median(encodeWall);
        double decodeFps = batch * 1000 / Median(decodeWall);
        string mode = codec.Mode.ToString().ToLowerInvariant();
        string png = options.Png ?? $"bench-speed-{model.Architecture.Name}-{width}x{height}-{(cuda ? "cuda" : "cpu")}.png";
        string title = string.Create(CultureInfo.InvariantCulture, $"{model.Architecture.Name} {width}x{height} on {(cuda ? "CUDA" : $"CPU ({Environment.ProcessorCount} cores)")}, {mode} mode, {precision}, {frames} {(batch > 1 ? $"batches of {batch}" : "frames")}");
        SpeedPlot.Save(png, title, [.. rows.Select(r => (r.Stage, r.SortedMs))]);
        return new SpeedBenchmarkResult(title, model.Architecture.Name, cuda, mode, precision, frames, rows, encodeWall, decodeWall, encodeFps, decodeFps, png, macs, peak);
    }

    /// <summary>
    /// A stage's row: its multiply-adds per call (a batch's frames for the encoder-side network stages, which run once
    /// per batch; one frame otherwise) over its median time, and that rate as a fraction of each measured peak.
    /// </summary>
    private static SpeedStageResult Row(string stage, double[] sortedMs, FrameMultiplyAdds macs, int batch, PeakThroughputResult? peak)
    {
        long perFrame = macs.ForStage(stage);
        int framesPerCall = stage is CodecStageTiming.EncoderNetwork or CodecStageTiming.HyperpriorAndPriors ? batch : 1;
        double medianSeconds = SpeedPlot.Percentile(sortedMs, 50) / 1000;
        double gmacPerSecond = medianSeconds > 0 ? (double)perFrame * framesPerCall / medianSeconds / 1e9 : 0;
        return new SpeedStageResult(stage, sortedMs, perFrame / 1e9, gmacPerSecond,
            peak is null ? null : gmacPerSecond / peak.Float32GmacPerSecond,
            peak?.Bfloat16GmacPerSecond is double bf16 ? gmacPerSecond / bf16 : null,
            peak?.VectorFloat32GmacPerSecond is double loop ? gmacPerSecond / loop : null);
    }

    private static double Median(List<double> values) => SpeedPlot.Percentile([.. values.Order()], 50);
}
