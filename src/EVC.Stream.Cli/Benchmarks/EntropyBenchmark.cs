using System.Diagnostics;
using EVC.Stream.Entropy;
using EVC.Stream.Entropy.Reference;

namespace EVC.Stream.Cli.Benchmarks;

/// <summary>Speed of one coder on one latent: medians over repetitions.</summary>
internal sealed record CoderSpeed(double EncodeMs, double DecodeMs, double EncodeMsymPerSecond, double DecodeMsymPerSecond);

/// <summary>Figures of the official C++ coder to compare against, and where they come from.</summary>
internal sealed record OfficialFigures(double EncodeMsymPerSecond, double DecodeMsymPerSecond, string Source);

/// <summary>All measurements for one latent profile.</summary>
internal sealed record EntropyProfileResult(
    string Profile,
    string Latent,
    int Symbols,
    int PayloadBytes,
    double BitsPerSymbol,
    CoderSpeed Ours,
    CoderSpeed ReferencePort,
    double ParallelEncodeMsymPerSecond,
    double ParallelDecodeMsymPerSecond,
    int ParallelThreads,
    OfficialFigures? Official,
    double? EncodeRatioVsOfficial,
    double? DecodeRatioVsOfficial,
    OfficialFigures? KitReadme,
    double? EncodeRatioVsKitReadme,
    double? DecodeRatioVsKitReadme,
    double EncodeRatioVsReferencePort,
    double DecodeRatioVsReferencePort,
    bool PayloadEqualsReferencePort);

/// <summary>
/// <c>evcstream bench entropy</c>: codes a 1080p frame latent with our coder, with a literal port of the official
/// algorithm side by side in the same run, and on all cores with independent frames; reports medians and ratios.
/// </summary>
internal static class EntropyBenchmark
{
    /// <summary>
    /// The official C++ coder (DCVC commit 54e8864, g++ 12 -O3, 2 sub-streams, no worker threads for encoding) timed on
    /// exactly these tiled latents on this kind of machine; see docs/benchmarks.md for the method and the raw runs.
    /// </summary>
    public static OfficialFigures? MeasuredOfficial(string profile) => profile switch
    {
        "low-rate" => OfficialMeasurements.LowRate,
        "high-rate" => OfficialMeasurements.HighRate,
        _ => null,
    };

    /// <summary>The kit README's speed probe of the official coder (the figures the entropy issue names as its target basis).</summary>
    public static OfficialFigures? KitReadmeOfficial(string profile) => profile switch
    {
        "low-rate" => OfficialMeasurements.KitReadmeLowRate,
        "high-rate" => OfficialMeasurements.KitReadmeHighRate,
        _ => null,
    };

    public static EntropyProfileResult Run(string profile, FrameLatent latent, int repetitions, int threads, OfficialFigures? official,
        OfficialFigures? kitReadme, Action<string>? progress = null)
    {
        int symbols = latent.SymbolCount;
        var z = new int[latent.Z.Length];
        var pass0 = new int[latent.Pass0.Length];
        var pass1 = new int[latent.Pass1.Length];

        progress?.Invoke($"{profile}: our coder, single thread");
        using var encoder = new RansEncoder();
        using var decoder = new RansDecoder();
        latent.EncodeInto(encoder);
        byte[] payload = encoder.Flush().ToArray();
        var encodeTimes = new double[repetitions];
        var decodeTimes = new double[repetitions];
        // Warm up for a while (at least 5 frames and 0.5 s) so tiered compilation has settled, as in a long run.
        long warmStart = Stopwatch.GetTimestamp();
        for (int warm = 0; warm < 5 || Stopwatch.GetElapsedTime(warmStart).TotalSeconds < 0.5; warm++)
        {
            latent.EncodeInto(encoder);
            encoder.Flush();
            latent.DecodeFrom(decoder, payload, z, pass0, pass1);
        }
        for (int r = 0; r < repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp();
            latent.EncodeInto(encoder);
            encoder.Flush();
            encodeTimes[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            latent.DecodeFrom(decoder, payload, z, pass0, pass1);
            decodeTimes[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        if (!latent.Pass1.AsSpan().SequenceEqual(pass1) || !latent.Z.AsSpan().SequenceEqual(z))
            throw new InvalidOperationException("the benchmark latent did not round-trip");
        CoderSpeed ours = Speed(encodeTimes, decodeTimes, symbols);

        progress?.Invoke($"{profile}: reference port of the official algorithm");
        var referenceEncodeTimes = new double[repetitions];
        var referenceDecodeTimes = new double[repetitions];
        byte[] referencePayload = [];
        for (int r = -1; r < repetitions; r++)
        {
            var referenceEncoder = new OfficialRansEncoder();
            long start = Stopwatch.GetTimestamp();
            latent.EncodeInto(referenceEncoder);
            referencePayload = referenceEncoder.Flush();
            double encodeMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var referenceDecoder = new OfficialRansDecoder();
            start = Stopwatch.GetTimestamp();
            latent.DecodeFrom(referenceDecoder, referencePayload, z, pass0, pass1);
            double decodeMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (r >= 0)
            {
                referenceEncodeTimes[r] = encodeMs;
                referenceDecodeTimes[r] = decodeMs;
            }
        }
        CoderSpeed reference = Speed(referenceEncodeTimes, referenceDecodeTimes, symbols);

        progress?.Invoke($"{profile}: our coder, {threads} threads, independent frames");
        (double parallelEncode, double parallelDecode) = Parallel(latent, payload, threads, Math.Max(4, repetitions / 2));

        return new EntropyProfileResult(
            profile, latent.Source, symbols, payload.Length, payload.Length * 8.0 / symbols,
            ours, reference, parallelEncode, parallelDecode, threads, official,
            official is null ? null : ours.EncodeMsymPerSecond / official.EncodeMsymPerSecond,
            official is null ? null : ours.DecodeMsymPerSecond / official.DecodeMsymPerSecond,
            kitReadme,
            kitReadme is null ? null : ours.EncodeMsymPerSecond / kitReadme.EncodeMsymPerSecond,
            kitReadme is null ? null : ours.DecodeMsymPerSecond / kitReadme.DecodeMsymPerSecond,
            ours.EncodeMsymPerSecond / reference.EncodeMsymPerSecond,
            ours.DecodeMsymPerSecond / reference.DecodeMsymPerSecond,
            payload.AsSpan().SequenceEqual(referencePayload));
    }

    private static CoderSpeed Speed(double[] encodeMs, double[] decodeMs, int symbols)
    {
        double encode = BenchmarkMath.Median(encodeMs), decode = BenchmarkMath.Median(decodeMs);
        return new CoderSpeed(encode, decode, symbols / encode / 1000.0, symbols / decode / 1000.0);
    }

    /// <summary>Each thread owns an encoder and a decoder and codes its own frames; throughput = all symbols / wall time.</summary>
    private static (double Encode, double Decode) Parallel(FrameLatent latent, byte[] payload, int threads, int framesPerThread)
    {
        double Measure(bool encode)
        {
            using var ready = new Barrier(threads + 1);
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() =>
                {
                    using var encoder = new RansEncoder();
                    using var decoder = new RansDecoder();
                    var z = new int[latent.Z.Length];
                    var pass0 = new int[latent.Pass0.Length];
                    var pass1 = new int[latent.Pass1.Length];
                    latent.EncodeInto(encoder);
                    encoder.Flush();
                    latent.DecodeFrom(decoder, payload, z, pass0, pass1);
                    ready.SignalAndWait();
                    for (int f = 0; f < framesPerThread; f++)
                    {
                        if (encode)
                        {
                            latent.EncodeInto(encoder);
                            encoder.Flush();
                        }
                        else
                        {
                            latent.DecodeFrom(decoder, payload, z, pass0, pass1);
                        }
                    }
                }) { IsBackground = true };
                workers[t].Start();
            }
            ready.SignalAndWait();
            long start = Stopwatch.GetTimestamp();
            foreach (Thread worker in workers)
                worker.Join();
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            return (double)latent.SymbolCount * threads * framesPerThread / seconds / 1e6;
        }
        var encodeRuns = new double[3];
        var decodeRuns = new double[3];
        for (int i = 0; i < 3; i++)
        {
            encodeRuns[i] = Measure(encode: true);
            decodeRuns[i] = Measure(encode: false);
        }
        return (BenchmarkMath.Median(encodeRuns), BenchmarkMath.Median(decodeRuns));
    }
}

/// <summary>
/// Figures of the official coder. <see cref="LowRate"/>/<see cref="HighRate"/>: the official C++ coder (DCVC 54e8864 +
/// ryg_rans c9d162d, g++ 12.2 -O3 -DNDEBUG) called directly from C++, one sub-stream, the process pinned to one core,
/// on exactly the tiled 1080p latents of <see cref="FrameLatent.FromKitCase"/>: medians of 55 timings (11 in each of 5
/// processes) on this kind of machine (2-core AMD EPYC VM, Debian 12), 2026-11-26 — the strictest single-thread
/// comparison. The kit README figures were timed through the official Python wrapper on an Intel VM, on the kit's
/// y latent. Method in docs/benchmarks.md; <c>--official FILE</c> replaces the first with a fresh side-by-side run.
/// </summary>
internal static class OfficialMeasurements
{
    public static readonly OfficialFigures LowRate = new(81.1, 209.1, "official C++ coder called directly, pinned to one core, same latent (docs/benchmarks.md)");
    public static readonly OfficialFigures HighRate = new(79.9, 127.7, "official C++ coder called directly, pinned to one core, same latent (docs/benchmarks.md)");
    public static readonly OfficialFigures KitReadmeLowRate = new(46.9, 118.4, "kit README speed probe: official coder through Python, kodim01_r1 y latent");
    public static readonly OfficialFigures KitReadmeHighRate = new(14.6, 26.5, "kit README speed probe: official coder through Python, kodim15_r3 y latent");
}
