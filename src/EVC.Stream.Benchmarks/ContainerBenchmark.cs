using System.Diagnostics;
using EVC.Stream.Container;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// <c>bench container</c>: frames of random payloads (1080p-sized EVC frames, 60 KB by default) written with
/// <see cref="EvcsWriter"/> and read back with <see cref="EvcsReader"/>, CRC-32C on both sides, one packet in flight
/// at a time (a single core's work), through a <see cref="MemoryStream"/> and through a temporary file.
/// </summary>
public static class ContainerBenchmark
{
    /// <summary>The real-time target: mux + demux of this many 60 KB frames per second on one core.</summary>
    public const double TargetFps = 5000;

    /// <summary>Measures through memory, then through a temporary file; <paramref name="progress"/> hears which medium is measured.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder for the temporary file does not exist.</exception>
    public static ContainerBenchmarkResult Run(ContainerBenchmarkOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Directory is not null && !System.IO.Directory.Exists(options.Directory))
            throw new DirectoryNotFoundException($"directory not found: {options.Directory}");
        using var pin = options.PinToOneCore ? new SingleCorePin() : null;
        ContainerMediumResult[] media = Run(options.Frames, options.PayloadBytes, options.Repeat, options.Directory, progress, cancellationToken);
        return new ContainerBenchmarkResult(media, pin?.Pinned ?? false);
    }

    private static ContainerMediumResult[] Run(int frames, int payloadBytes, int repeat, string? directory, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var payloads = new byte[16][];
        var random = new Random(42);
        for (int i = 0; i < payloads.Length; i++)
        {
            payloads[i] = new byte[payloadBytes];
            random.NextBytes(payloads[i]);
        }
        var header = new EvcsHeader
        {
            Architecture = "EVC_SS",
            Width = 1920,
            Height = 1080,
            PadBottom = 8,
            FrameRate = new EvcsRational(60, 1),
            EncoderName = "evcstream bench container",
        };

        progress?.Report("memory");
        using var memory = new MemoryStream(frames * (payloadBytes + EvcsConstants.PacketHeaderSize) + 64 * 1024);
        ContainerMediumResult inMemory = Measure("memory", frames, payloadBytes, repeat, payloads, header,
            () => { memory.SetLength(0); return memory; },
            () => { memory.Position = 0; return memory; },
            leaveOpen: true, cancellationToken);

        progress?.Report("temporary file");
        string path = Path.Combine(directory ?? Path.GetTempPath(), $"evcstream-bench-{Environment.ProcessId}-{Guid.NewGuid():N}.evcs");
        try
        {
            ContainerMediumResult inFile = Measure("file", frames, payloadBytes, repeat, payloads, header,
                () => new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0),
                () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0),
                leaveOpen: false, cancellationToken);
            return [inMemory, inFile];
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static ContainerMediumResult Measure(string medium, int frames, int payloadBytes, int repeat, byte[][] payloads, EvcsHeader header,
        Func<System.IO.Stream> openWrite, Func<System.IO.Stream> openRead, bool leaveOpen, CancellationToken cancellationToken)
    {
        // Warm-up pass (JIT, page cache, pools), then timed passes.
        Pass(Math.Min(frames, 200), payloads, header, openWrite, openRead, leaveOpen, cancellationToken);
        var mux = new double[repeat];
        var demux = new double[repeat];
        var cpu = new double[repeat];
        for (int r = 0; r < repeat; r++)
        {
            TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            (mux[r], demux[r]) = Pass(frames, payloads, header, openWrite, openRead, leaveOpen, cancellationToken);
            TimeSpan cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            cpu[r] = cpuUsed.TotalSeconds / (mux[r] + demux[r]);
        }
        double muxSeconds = BenchmarkMath.Median(mux), demuxSeconds = BenchmarkMath.Median(demux);
        double megabytes = (double)frames * payloadBytes / 1e6;
        double muxDemuxFps = frames / BenchmarkMath.Median(Enumerable.Range(0, repeat).Select(r => mux[r] + demux[r]).ToArray());
        return new ContainerMediumResult(medium, frames / muxSeconds, frames / demuxSeconds, muxDemuxFps,
            megabytes / muxSeconds, megabytes / demuxSeconds, muxDemuxFps / TargetFps, BenchmarkMath.Median(cpu));
    }

    /// <summary>Writes and reads <paramref name="frames"/> frames; returns the seconds each side took.</summary>
    private static (double Mux, double Demux) Pass(int frames, byte[][] payloads, EvcsHeader header,
        Func<System.IO.Stream> openWrite, Func<System.IO.Stream> openRead, bool leaveOpen, CancellationToken cancellationToken) =>
        PassAsync(frames, payloads, header, openWrite, openRead, leaveOpen, cancellationToken).GetAwaiter().GetResult();

    private static async Task<(double Mux, double Demux)> PassAsync(int frames, byte[][] payloads, EvcsHeader header,
        Func<System.IO.Stream> openWrite, Func<System.IO.Stream> openRead, bool leaveOpen, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        await using (EvcsWriter writer = await EvcsWriter.CreateAsync(openWrite(), header, new EvcsWriterOptions { LeaveOpen = leaveOpen, FsyncOnComplete = false }, cancellationToken).ConfigureAwait(false))
        {
            for (int k = 0; k < frames; k++)
                await writer.WriteAsync(payloads[k % payloads.Length], new EvcsPacketInfo(k, 1500L * k, 3, 0), cancellationToken).ConfigureAwait(false);
            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        double mux = Stopwatch.GetElapsedTime(start).TotalSeconds;

        start = Stopwatch.GetTimestamp();
        int read = 0;
        await using (EvcsReader reader = await EvcsReader.OpenAsync(openRead(), new EvcsReaderOptions { LeaveOpen = leaveOpen, UseStoredIndex = false }, cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadPacketAsync(cancellationToken).ConfigureAwait(false) is { } packet)
            {
                read++;
                packet.Dispose();
            }
            if (read != frames || reader.Damage.Count != 0)
                throw new InvalidOperationException($"bench container: read {read} of {frames} frames back, {reader.Damage.Count} damaged regions.");
        }
        double demux = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (mux, demux);
    }
}
