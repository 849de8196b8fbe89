namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench network</c>: for each transport (udp, tcp, srt) and frame size, a real <c>capture -o URL</c> of
/// the test source and a real <c>decode URL</c> viewer, as two processes on loopback; reports frames sent, received
/// and lost, and glass-to-glass latency (the sender's capture to the viewer's output, p50/p95/p99) from the viewer's
/// <c>--stats</c>. Frame rates are chosen so this CPU keeps up (a backlog would measure the CPU, not the network).
/// </summary>
internal sealed class NetworkBenchCommand : Command<NetworkBenchCommand.Settings>
{
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

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var sizes = new List<NetworkFrameSize>();
        foreach (string sizeSpec in settings.Sizes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = sizeSpec.Split('@');
            (int width, int height) = SizeOption.Parse(parts[0]);
            sizes.Add(new NetworkFrameSize(width, height, parts.Length > 1 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : 10));
        }
        IProgress<string>? progress = settings.Json ? null : new CallbackProgress<string>(line => Console.Error.WriteLine($"{line}…"));
        List<NetworkRun> runs = NetworkBenchmark.Run(new NetworkBenchmarkOptions
        {
            Tool = Path.Combine(AppContext.BaseDirectory, "evcstream.dll"),
            Transports = settings.Transports.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Sizes = sizes,
            Seconds = settings.Seconds,
        }, progress, cancellationToken);

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { benchmark = "network", runs }, JsonOutput.Options));
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

    private static string F(double value) => double.IsNaN(value) ? "—" : value.ToString("0.#", CultureInfo.InvariantCulture);
}
