namespace EVC.Stream.Cli.Live;

/// <summary>
/// Shows a running pipeline's statistics once a second, rendered from this one thread from snapshots: a Spectre.Console
/// live table on a terminal, plain log lines on stderr otherwise, and with <c>--stats</c> one JSON line per second plus
/// a summary line at the end.
/// </summary>
internal sealed class Dashboard : IAsyncDisposable
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly PipelineStats _stats;
    private readonly string _title;
    private readonly DashboardKind _kind;
    private readonly StreamWriter? _statsFile;
    private readonly CancellationTokenSource _done = new();
    private readonly Task _loop;

    public Dashboard(PipelineStats stats, string title, string? statsPath, bool quiet, DashboardKind kind = DashboardKind.Capture)
    {
        _stats = stats;
        _title = title;
        _kind = kind;
        if (statsPath is not null)
            _statsFile = new StreamWriter(statsPath, append: false) { AutoFlush = true };
        bool terminal = !quiet && !Console.IsErrorRedirected && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        _loop = quiet ? StatsOnlyAsync() : terminal ? LiveAsync() : LogLinesAsync();
    }

    private async Task LiveAsync()
    {
        Table table = Render(_stats.Snapshot());
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async context =>
        {
            while (!_done.IsCancellationRequested)
            {
                await Wait().ConfigureAwait(false);
                PipelineSnapshot snapshot = _stats.Snapshot();
                WriteStats(snapshot, "second");
                context.UpdateTarget(Render(snapshot));
                context.Refresh();
            }
        }).ConfigureAwait(false);
    }

    private async Task LogLinesAsync()
    {
        while (!_done.IsCancellationRequested)
        {
            await Wait().ConfigureAwait(false);
            PipelineSnapshot s = _stats.Snapshot();
            WriteStats(s, "second");
            string stages = string.Join(" ", s.Stages.Select(st => string.Create(CultureInfo.InvariantCulture, $"{StageLabel(st.Stage)}={st.Fps:F1}fps/p50 {st.P50Ms:F1}ms/p99 {st.P99Ms:F1}ms")));
            await Console.Error.WriteLineAsync($"[{s.Elapsed:hh\\:mm\\:ss}] {Status(s)} | {stages}").ConfigureAwait(false);
        }
    }

    private async Task StatsOnlyAsync()
    {
        while (!_done.IsCancellationRequested)
        {
            await Wait().ConfigureAwait(false);
            WriteStats(_stats.Snapshot(), "second");
        }
    }

    private async Task Wait()
    {
        try
        {
            await Task.Delay(1000, _done.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void WriteStats(PipelineSnapshot snapshot, string kind)
    {
        if (_statsFile is null)
            return;
        var line = new
        {
            kind,
            elapsed_s = snapshot.Elapsed.TotalSeconds,
            source = snapshot.Source,
            frames = snapshot.Written,
            total_frames = snapshot.TotalFrames,
            lost = snapshot.Lost,
            captured = snapshot.Captured,
            dropped = snapshot.Dropped,
            late = snapshot.Late,
            bytes = snapshot.Bytes,
            bitrate_bps = snapshot.BitrateBitsPerSecond,
            target_bitrate_bps = snapshot.TargetBitrate,
            bpp = snapshot.BitsPerPixel,
            q_scale = snapshot.QScale,
            encoder_level = snapshot.EncoderLevel,
            stages = snapshot.Stages.Select(s => new { stage = StageLabel(s.Stage), count = s.Count, fps = s.Fps, p50_ms = s.P50Ms, p95_ms = s.P95Ms, p99_ms = s.P99Ms, max_ms = s.MaxMs }).ToArray(),
            queues = snapshot.QueueDepths.ToDictionary(q => q.Key, q => q.Value),
            message = snapshot.Message,
        };
        _statsFile.WriteLine(JsonSerializer.Serialize(line, s_json));
    }

    private Table Render(PipelineSnapshot s)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(_title)}[/]")
            .AddColumn("stage").AddColumn(new TableColumn("fps").RightAligned()).AddColumn(new TableColumn("p50 ms").RightAligned())
            .AddColumn(new TableColumn("p95 ms").RightAligned()).AddColumn(new TableColumn("p99 ms").RightAligned()).AddColumn(new TableColumn("items").RightAligned());
        foreach (StageSnapshot st in s.Stages)
            table.AddRow(Markup.Escape(StageLabel(st.Stage)), F(st.Fps, 1), F(st.P50Ms, 1), F(st.P95Ms, 1), F(st.P99Ms, 1), $"{st.Count}");
        string queues = string.Join("  ", s.QueueDepths.Select(q => $"{q.Key} {q.Value}"));
        table.Caption(Markup.Escape($"{s.Source} | {s.Elapsed:hh\\:mm\\:ss} | {Status(s)} | queues: {queues}{(s.Message is null ? "" : " | " + s.Message)}"));
        return table;
    }

    /// <summary>The run's counters as this kind of run needs them.</summary>
    internal string Status(PipelineSnapshot s)
    {
        string bitrate = string.Create(CultureInfo.InvariantCulture, $"{s.BitrateBitsPerSecond / 1e3:F0} kbit/s{(s.TargetBitrate > 0 ? $" (target {s.TargetBitrate / 1e3:F0})" : "")}, {s.BitsPerPixel:F3} bpp");
        return _kind switch
        {
            DashboardKind.Capture => string.Create(CultureInfo.InvariantCulture,
                $"frames {s.Written}, dropped {s.Dropped} | {bitrate}, q_scale {s.QScale:F2}{(s.EncoderLevel >= 0 ? $", level {s.EncoderLevel}" : "")}"),
            DashboardKind.Player => string.Create(CultureInfo.InvariantCulture,
                $"presented {s.Written}{(s.TotalFrames is long total ? $" of {total}" : "")}, skipped {s.Late + s.Dropped}{(s.Lost > 0 ? $", lost in transport {s.Lost}" : "")} | {bitrate}"),
            _ => Progress(s),
        };
    }

    /// <summary>"frames 120/300 (40 %), 25.1 fps, ETA 00:07" — the ETA from the index's frame count and the rate so far.</summary>
    internal static string Progress(PipelineSnapshot s)
    {
        double fps = s.Elapsed.TotalSeconds > 0 ? s.Written / s.Elapsed.TotalSeconds : 0;
        if (s.TotalFrames is not long total || total <= 0)
            return string.Create(CultureInfo.InvariantCulture, $"frames {s.Written}, {fps:F1} fps");
        long done = Math.Min(s.Written + s.Late + s.Dropped, total);
        double fraction = (double)done / total;
        string eta = fps > 0 ? TimeSpan.FromSeconds(Math.Ceiling((total - done) / fps)).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
        const int Width = 20;
        int filled = (int)Math.Round(fraction * Width);
        return string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('.', Width - filled)}] frames {s.Written}/{total} ({fraction * 100:F0} %), {fps:F1} fps, ETA {eta}");
    }

    /// <summary>A file sink has no screen: its end-to-end stage is file to output.</summary>
    private string StageLabel(string stage) => _kind == DashboardKind.FileSink ? stage.Replace("screen", "output", StringComparison.Ordinal) : stage;

    private static string F(double value, int digits) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Stops the display and writes the summary line.</summary>
    public async ValueTask DisposeAsync()
    {
        await _done.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        WriteStats(_stats.Summary(), "summary");
        if (_statsFile is not null)
            await _statsFile.DisposeAsync().ConfigureAwait(false);
        _done.Dispose();
    }
}
