using System.Diagnostics;
using EVC.Stream.Container;
using EVC.Stream.Entropy;
using EVC.Stream.Media.Video;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using EVC.Stream.Pipeline;
using static TorchSharp.torch;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// <c>bench pipeline</c>: (1) the throughput of everything but the networks — encode side (FFmpeg capture,
/// conversion, entropy coding of a realistic latent, muxing) and decode side (demux, entropy decoding, conversion,
/// output into FFmpeg) — with the networks replaced by stubs that hand over the kit's recorded symbols; (2) end to end
/// with the real EVC_SS at a CPU-feasible size; (3) optionally RSS over a long run.
/// </summary>
public static class PipelineBenchmark
{
    /// <summary>Runs the stubbed encode and decode sides, then (unless skipped) end to end and the RSS run; <paramref name="progress"/> hears each run start.</summary>
    public static async Task<PipelineBenchmarkResult> RunAsync(PipelineBenchmarkOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        FFmpegTool.Require();
        string kit = ReferenceKit.Find(null) ?? throw new DirectoryNotFoundException("reference kit not found (../shared/reference/evc-official): the stubs replay its recorded symbols");
        (int e2eWidth, int e2eHeight) = (options.EndToEndWidth, options.EndToEndHeight);
        set_num_threads(Environment.ProcessorCount);
        EvcModel model = WeightsFile.Load(Path.Combine(kit, "checkpoints", "EVC_SS.pth.tar"), "EVC_SS");
        var codec = new ImageCodec(model, StreamMode.Deterministic);
        string directory = Directory.CreateTempSubdirectory("evc-bench-pipeline-").FullName;
        var results = new List<PipelineRunResult>();
        var rss = new List<double>();
        List<FrameParallelResult> frameParallel = [];
        try
        {
            if (options.Frames > 0)
                await StubbedRuns(options, kit, codec, directory, results, progress, cancellationToken).ConfigureAwait(false);

            if (options.FrameWorkers.Count > 0)
                frameParallel = await FrameParallelRuns(options, model, codec, directory, results, progress, cancellationToken).ConfigureAwait(false);
            else if (options.EndToEndFrames > 0)
            {
                progress?.Report($"end to end with EVC_SS at {e2eWidth}x{e2eHeight}, {options.EndToEndFrames} frames…");
                string real = Path.Combine(directory, "real.evcs");
                PipelineRunResult throughput = await CaptureRun("capture end to end, EVC_SS, source unpaced (throughput)", e2eWidth, e2eHeight, options.EndToEndFrames, codec, real,
                    new CaptureOptions { EntropyWorkers = 1, Rate = new RateController(Quality.FromRateIndex(1).Resolve(model)) }, cancellationToken).ConfigureAwait(false);
                results.Add(throughput);
                // Latency as a live source sees it: paced at 80 % of that throughput, so queues stay short.
                double pacedFps = Math.Max(1, Math.Floor(throughput.Fps * 0.8));
                progress?.Report($"end to end with EVC_SS at {e2eWidth}x{e2eHeight}, live source paced at {pacedFps} fps…");
                results.Add(await CaptureRun($"capture end to end, EVC_SS, live source at {pacedFps} fps (latency)", e2eWidth, e2eHeight, options.EndToEndFrames, codec,
                    Path.Combine(directory, "paced.evcs"), new CaptureOptions { EntropyWorkers = 1, Rate = new RateController(Quality.FromRateIndex(1).Resolve(model)) }, cancellationToken, pacedFps).ConfigureAwait(false));
                results.Add(await PlaybackRun("play end to end, EVC_SS", real, codec, new NullSink(), null, cancellationToken).ConfigureAwait(false));
            }

            if (options.RssFrames > 0)
            {
                progress?.Report($"RSS over {options.RssFrames} frames at 64x64…");
                using var sampling = new CancellationTokenSource();
                Task sampler = Task.Run(async () =>
                {
                    long next = 100;
                    while (!sampling.IsCancellationRequested)
                    {
                        await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
                        if (Volatile.Read(ref s_written) >= next)
                        {
                            rss.Add(Rss());
                            next += 100;
                        }
                    }
                }, CancellationToken.None);
                results.Add(await CaptureRun($"capture, RSS run", 64, 64, options.RssFrames, codec, Path.Combine(directory, "rss.evcs"),
                    new CaptureOptions { EntropyWorkers = 1, Rate = new RateController(1.0) }, cancellationToken).ConfigureAwait(false));
                await sampling.CancelAsync().ConfigureAwait(false);
                await sampler.ConfigureAwait(false);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        return new PipelineBenchmarkResult(results, rss) { FrameParallel = frameParallel };
    }

    /// <summary>(1): the encode and decode sides at the stubbed size, networks replaced by the kit's recorded symbols.</summary>
    private static async Task StubbedRuns(PipelineBenchmarkOptions options, string kit, ImageCodec codec, string directory, List<PipelineRunResult> results,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        (int width, int height) = (options.Width, options.Height);
        int paddedWidth = ImageCodec.PaddedSize(width), paddedHeight = ImageCodec.PaddedSize(height);
        FrameLatent latent = FrameLatent.FromKitCase(kit, "ss_kodim01_r1", paddedWidth, paddedHeight);
        var symbols = new ImageCodec.FrameSymbols(114, [1, EvcArchitecture.LatentChannels, paddedHeight / 64, paddedWidth / 64],
            latent.Z, latent.Pass0, latent.Pass0Indexes, latent.Pass1, latent.Pass1Indexes);
        progress?.Report($"encode side at {width}x{height}, networks stubbed, {options.Frames} frames…");
        string stubbed = Path.Combine(directory, "stubbed.evcs");
        results.Add(await CaptureRun("encode side, networks stubbed", width, height, options.Frames, codec, stubbed,
            new CaptureOptions { EntropyWorkers = Environment.ProcessorCount, CaptureQueue = 8, NetworkStub = n => Enumerable.Repeat(symbols, n).ToArray() }, cancellationToken).ConfigureAwait(false));

        progress?.Report($"decode side at {width}x{height}, networks stubbed…");
        var planar = new float[3 * paddedWidth * paddedHeight];
        for (int i = 0; i < planar.Length; i++)
            planar[i] = (i % 255) / 255f;
        int[] z = new int[latent.Z.Length], pass0 = new int[latent.Pass0.Length], pass1 = new int[latent.Pass1.Length];
        var decoder = new RansDecoder();
        results.Add(await PlaybackRun("decode side, networks stubbed", stubbed, codec, FFmpegFrameSink.ToNull(width, height, 30), packet =>
        {
            latent.DecodeFrom(decoder, packet.Payload.Span, z, pass0, pass1);
            return planar;
        }, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The frame-parallel comparison: each round captures (source unpaced) and decodes at the end-to-end size with
    /// every worker count in turn, so that load from elsewhere falls on all counts alike; medians over the rounds.
    /// </summary>
    private static async Task<List<FrameParallelResult>> FrameParallelRuns(PipelineBenchmarkOptions options, EvcModel model, ImageCodec codec, string directory,
        List<PipelineRunResult> results, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        (int width, int height) = (options.EndToEndWidth, options.EndToEndHeight);
        int cores = Environment.ProcessorCount;
        var capture = options.FrameWorkers.ToDictionary(n => n, _ => new List<double>());
        var decode = options.FrameWorkers.ToDictionary(n => n, _ => new List<double>());
        try
        {
            for (int round = 1; round <= Math.Max(1, options.Repeat); round++)
            {
                foreach (int workers in options.FrameWorkers)
                {
                    int threads = FrameParallelism.ThreadsPerWorker(cores, workers);
                    set_num_threads(threads);
                    string label = $"{workers} frame worker(s) × {threads} thread(s), round {round}";
                    progress?.Report($"end to end with EVC_SS at {width}x{height}, {options.EndToEndFrames} frames, {label}…");
                    string file = Path.Combine(directory, $"parallel-{workers}.evcs");
                    PipelineRunResult captured = await CaptureRun($"capture end to end, EVC_SS, {label}", width, height, options.EndToEndFrames, codec, file,
                        new CaptureOptions { FrameWorkers = workers, EntropyWorkers = 1, Rate = new RateController(Quality.FromRateIndex(1).Resolve(model)) }, cancellationToken).ConfigureAwait(false);
                    PipelineRunResult decoded = await PlaybackRun($"decode end to end, EVC_SS, {label}", file, codec, new NullSink(), null, cancellationToken, workers).ConfigureAwait(false);
                    results.Add(captured);
                    results.Add(decoded);
                    capture[workers].Add(captured.Fps);
                    decode[workers].Add(decoded.Fps);
                }
            }
        }
        finally
        {
            set_num_threads(cores);
        }
        return [.. options.FrameWorkers.Select(n => new FrameParallelResult(n, FrameParallelism.ThreadsPerWorker(cores, n), $"{width}x{height}",
            [.. capture[n]], [.. decode[n]], Median(capture[n]), Median(decode[n])))];
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
            return 0;
        double[] sorted = [.. values.Order()];
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static long s_written;

    private static async Task<PipelineRunResult> CaptureRun(string name, int width, int height, int frames, ImageCodec codec, string output, CaptureOptions options, CancellationToken cancellationToken, double pacedFps = 0)
    {
        var source = new VideoSourceOptions { Kind = VideoSourceKind.Test, Width = width, Height = height, FrameRate = pacedFps > 0 ? pacedFps : 30, MaxFrames = frames, Paced = pacedFps > 0 };
        VideoFormat format = await VideoSource.ProbeAsync(source, cancellationToken).ConfigureAwait(false);
        var stats = new PipelineStats(name, CapturePipeline.StageNames);
        await using var stream = new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16, useAsync: true);
        await using EvcsWriter writer = await EvcsWriter.CreateAsync(stream, new EvcsHeader
        {
            Architecture = "EVC_SS",
            Width = width,
            Height = height,
            PadRight = ImageCodec.PaddedSize(width) - width,
            PadBottom = ImageCodec.PaddedSize(height) - height,
        }, new EvcsWriterOptions { LeaveOpen = true }, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref s_written, 0);
        using var progress = new Timer(_ => Volatile.Write(ref s_written, stats.Written), null, 0, 20);
        long start = Stopwatch.GetTimestamp();
        CaptureResult result = await CapturePipeline.RunAsync(source, format, codec, writer, options, stats, CancellationToken.None, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (result.Error is not null)
            throw result.Error;
        return new PipelineRunResult(name, $"{width}x{height}", result.Written, seconds, result.Written / seconds, stats.Snapshot().Stages, result.Dropped);
    }

    private static async Task<PipelineRunResult> PlaybackRun(string name, string input, ImageCodec codec, IFrameSink sink, Func<EvcsPacket, float[]>? stub, CancellationToken cancellationToken, int decoders = 1)
    {
        await using var stream = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using EvcsReader reader = await EvcsReader.OpenAsync(stream, null, cancellationToken).ConfigureAwait(false);
        var stats = new PipelineStats(name, PlaybackPipeline.StageNames);
        long start = Stopwatch.GetTimestamp();
        PlaybackResult result;
        await using (sink.ConfigureAwait(false))
        {
            result = await PlaybackPipeline.RunAsync(reader, codec, sink, new PlaybackOptions { NetworkStub = stub, Decoders = decoders }, stats, cancellationToken).ConfigureAwait(false);
            await sink.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (result.Error is not null)
            throw result.Error;
        return new PipelineRunResult(name, $"{reader.Header.Width}x{reader.Header.Height}", result.Presented, seconds, result.Presented / seconds, stats.Snapshot().Stages);
    }

    private static double Rss()
    {
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / 1048576.0;
    }
}
