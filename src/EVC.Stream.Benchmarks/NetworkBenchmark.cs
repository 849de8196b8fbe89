using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// <c>bench network</c>: for each transport (udp, tcp, srt) and frame size, a real <c>capture -o URL</c> of the test
/// source and a real <c>decode URL</c> viewer, as two processes on loopback; reports frames sent, received and lost,
/// and glass-to-glass latency (the sender's capture to the viewer's output, p50/p95/p99) from the viewer's
/// <c>--stats</c>. Frame rates are chosen so the CPU keeps up (a backlog would measure the CPU, not the network).
/// </summary>
public static class NetworkBenchmark
{
    /// <summary>Runs every size with every transport; <paramref name="progress"/> hears each run start (<c>udp 128x96 at 10 fps</c>).</summary>
    /// <exception cref="ArgumentException">An unknown transport.</exception>
    public static List<NetworkRun> Run(NetworkBenchmarkOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        string folder = Directory.CreateTempSubdirectory("evc-bench-network-").FullName;
        var runs = new List<NetworkRun>();
        try
        {
            int port = 12000 + Environment.ProcessId % 2000;
            foreach ((int width, int height, double fps) in options.Sizes)
            {
                foreach (string transport in options.Transports)
                {
                    port++;
                    (string listen, string send) = transport switch
                    {
                        "udp" => ($"udp://127.0.0.1:{port}?timeout=8000000", $"udp://127.0.0.1:{port}"),
                        "tcp" => ($"tcp://127.0.0.1:{port}?listen=1", $"tcp://127.0.0.1:{port}"),
                        "srt" => ($"srt://127.0.0.1:{port}?mode=listener", $"srt://127.0.0.1:{port}"),
                        _ => throw new ArgumentException($"--transports: unknown transport '{transport}' (udp, tcp, srt)"),
                    };
                    progress?.Report($"{transport} {width}x{height} at {fps:0.##} fps");
                    runs.Add(Run(options.Tool, folder, transport, listen, send, width, height, fps, options.Seconds, cancellationToken));
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        return runs;
    }

    private static NetworkRun Run(string tool, string folder, string transport, string listen, string send, int width, int height, double fps, double seconds, CancellationToken cancellationToken)
    {
        string stats = Path.Combine(folder, $"{transport}-{width}x{height}.jsonl");
        using Process viewer = Start(tool, ["decode", listen, "-o", Path.Combine(folder, $"{transport}-{width}x{height}.y4m"), "--quiet", "-y", "--stats", stats]);
        Thread.Sleep(3000);  // the viewer's model is loaded and it listens
        int frames = (int)Math.Ceiling(seconds * fps);
        using Process sender = Start(tool, ["capture", "--device", "test", "-s", $"{width}x{height}", "-r", fps.ToString(CultureInfo.InvariantCulture),
            "--frames", $"{frames}", "-o", send, "--quiet"]);
        string sent = sender.StandardOutput.ReadToEnd();
        sender.WaitForExit();
        if (!viewer.WaitForExit(60_000))
            viewer.Kill();
        cancellationToken.ThrowIfCancellationRequested();
        long written = long.TryParse(System.Text.RegularExpressions.Regex.Match(sent, @"(\d+) frames written").Groups[1].Value, out long w) ? w : 0;
        if (!File.Exists(stats))
            return new NetworkRun(transport, $"{width}x{height}", fps, written, 0, written, double.NaN, double.NaN, double.NaN);
        using JsonDocument summary = JsonDocument.Parse(File.ReadLines(stats).Last());
        long received = summary.RootElement.GetProperty("frames").GetInt64();
        JsonElement glass = summary.RootElement.GetProperty("stages").EnumerateArray().First(s => s.GetProperty("stage").GetString()!.StartsWith("capture→", StringComparison.Ordinal));
        return new NetworkRun(transport, $"{width}x{height}", fps, written, received, Math.Max(0, written - received),
            glass.GetProperty("p50_ms").GetDouble(), glass.GetProperty("p95_ms").GetDouble(), glass.GetProperty("p99_ms").GetDouble());
    }

    private static Process Start(string tool, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(tool);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start evcstream");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }
}
