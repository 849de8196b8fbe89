using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EVC.Stream.Cli.Benchmarks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench network</c>: for each transport (udp, tcp, srt) and frame size, a real <c>capture -o URL</c> of
/// the test source and a real <c>decode URL</c> viewer, as two processes on loopback; reports frames sent, received
/// and lost, and glass-to-glass latency (the sender's capture to the viewer's output, p50/p95/p99) from the viewer's
/// <c>--stats</c>. Frame rates are chosen so this CPU keeps up (a backlog would measure the CPU, not the network).
/// </summary>
internal sealed class NetworkBenchCommand : Command<NetworkBenchCommand.Settings>
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--transports <LIST>")]
        [Description("Comma-separated: udp, tcp, srt. Default all three.")]
        public string Transports { get; init; } = "udp,tcp,srt";

        [CommandOption("--sizes <LIST>")]
        [Description("Comma-separated WxH@FPS. Default 128x96@10,320x240@2 (what 2 CPU cores code in real time).")]
        public string Sizes { get; init; } = "128x96@10,320x240@2";

        [CommandOption("--seconds <S>")]
        [Description("Stream length per run. Default 6.")]
        public double Seconds { get; init; } = 6;

        [CommandOption("--json")]
        [Description("Print JSON.")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            Seconds is > 0 and <= 600 ? ValidationResult.Success() : ValidationResult.Error($"--seconds {Seconds}: must be more than 0 and at most 600");
    }

    internal sealed record NetworkRun(string Transport, string Size, double Fps, long Sent, long Received, long Lost, double P50Ms, double P95Ms, double P99Ms);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string tool = Path.Combine(AppContext.BaseDirectory, "evcstream.dll");
        string folder = Directory.CreateTempSubdirectory("evc-bench-network-").FullName;
        var runs = new List<NetworkRun>();
        try
        {
            int port = 12000 + Environment.ProcessId % 2000;
            foreach (string sizeSpec in settings.Sizes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string[] parts = sizeSpec.Split('@');
                (int width, int height) = BenchmarkMath.ParseSize(parts[0]);
                double fps = parts.Length > 1 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : 10;
                foreach (string transport in settings.Transports.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    port++;
                    (string listen, string send) = transport switch
                    {
                        "udp" => ($"udp://127.0.0.1:{port}?timeout=8000000", $"udp://127.0.0.1:{port}"),
                        "tcp" => ($"tcp://127.0.0.1:{port}?listen=1", $"tcp://127.0.0.1:{port}"),
                        "srt" => ($"srt://127.0.0.1:{port}?mode=listener", $"srt://127.0.0.1:{port}"),
                        _ => throw new ArgumentException($"--transports: unknown transport '{transport}' (udp, tcp, srt)"),
                    };
                    if (!settings.Json)
                        Console.Error.WriteLine($"{transport} {width}x{height} at {fps:0.##} fps…");
                    runs.Add(Run(tool, folder, transport, listen, send, width, height, fps, settings.Seconds, cancellationToken));
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { benchmark = "network", runs }, s_json));
            return 0;
        }
        var table = new Table().Title("[bold]glass-to-glass over loopback (capture → URL → decode), ms[/]")
            .AddColumn("transport").AddColumn("frame").AddColumn("fps").AddColumn("sent").AddColumn("received").AddColumn("lost")
            .AddColumn("p50").AddColumn("p95").AddColumn("p99");
        foreach (NetworkRun r in runs)
            table.AddRow(r.Transport, r.Size, F(r.Fps), $"{r.Sent}", $"{r.Received}", $"{r.Lost}", F(r.P50Ms), F(r.P95Ms), F(r.P99Ms));
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }).Write(table);
        return 0;
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

    private static string F(double value) => double.IsNaN(value) ? "—" : value.ToString("0.#", CultureInfo.InvariantCulture);
}
