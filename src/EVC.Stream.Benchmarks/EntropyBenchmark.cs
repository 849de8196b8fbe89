using System.Diagnostics;
using System.Text.Json;
using EVC.Stream.Entropy;
using EVC.Stream.Entropy.Reference;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// <c>evcstream bench entropy</c>: codes a 1080p frame latent with our coder, with a literal port of the official
/// algorithm side by side in the same run, and on all cores with independent frames; reports medians and ratios.
/// </summary>
public static class EntropyBenchmark
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

    /// <summary>
    /// Every profile: the kit's low-rate and high-rate latents when the kit is found, else a synthetic one; each
    /// measured with <see cref="Run"/> and, if asked, its payload saved. <paramref name="progress"/> hears what is being measured.
    /// </summary>
    public static List<EntropyProfileResult> RunAll(EntropyBenchmarkOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? kit = ReferenceKit.Find(options.Kit);
        Dictionary<string, OfficialFigures>? official = options.OfficialFile is null ? null : LoadOfficial(options.OfficialFile);

        var profiles = new List<(string Profile, FrameLatent Latent)>();
        if (kit is not null)
        {
            profiles.Add(("low-rate", FrameLatent.FromKitCase(kit, "ss_kodim01_r1", options.Width, options.Height)));
            profiles.Add(("high-rate", FrameLatent.FromKitCase(kit, "ss_kodim15_r3", options.Width, options.Height)));
        }
        else
        {
            profiles.Add(("synthetic", FrameLatent.Synthetic(options.Width, options.Height, seed: 1)));
        }

        var results = new List<EntropyProfileResult>();
        foreach ((string profile, FrameLatent latent) in profiles)
        {
            cancellationToken.ThrowIfCancellationRequested();
            OfficialFigures? figures = official is not null ? official.GetValueOrDefault(profile) : MeasuredOfficial(profile);
            results.Add(Run(profile, latent, options.Repeat, options.Threads, figures, KitReadmeOfficial(profile), progress));
            if (options.SavePayloads is not null)
                SavePayload(options.SavePayloads, latent);
        }
        return results;
    }

    /// <summary>Measures one latent: our coder on one thread, the port of the official algorithm, our coder on <paramref name="threads"/> threads.</summary>
    public static EntropyProfileResult Run(string profile, FrameLatent latent, int repetitions, int threads, OfficialFigures? official,
        OfficialFigures? kitReadme, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(latent);
        int symbols = latent.SymbolCount;
        var z = new int[latent.Z.Length];
        var pass0 = new int[latent.Pass0.Length];
        var pass1 = new int[latent.Pass1.Length];

        progress?.Report($"{profile}: our coder, single thread");
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

        progress?.Report($"{profile}: reference port of the official algorithm");
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

        progress?.Report($"{profile}: our coder, {threads} threads, independent frames");
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

    private static void SavePayload(string directory, FrameLatent latent)
    {
        Directory.CreateDirectory(directory);
        using var encoder = new RansEncoder();
        latent.EncodeInto(encoder);
        File.WriteAllBytes(Path.Combine(directory, $"{latent.Name}_{latent.Width}x{latent.Height}.stream"), encoder.Flush().ToArray());
    }

    private static Dictionary<string, OfficialFigures> LoadOfficial(string path)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
        var figures = new Dictionary<string, OfficialFigures>(StringComparer.Ordinal);
        foreach (JsonProperty profile in json.RootElement.EnumerateObject())
        {
            figures[profile.Name] = new OfficialFigures(
                profile.Value.GetProperty("encode_msym_per_second").GetDouble(),
                profile.Value.GetProperty("decode_msym_per_second").GetDouble(),
                $"side-by-side run, {Path.GetFileName(path)}");
        }
        return figures;
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
