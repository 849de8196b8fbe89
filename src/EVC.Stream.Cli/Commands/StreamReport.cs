namespace EVC.Stream.Cli.Commands;

/// <summary>Everything <c>info</c> reports, gathered by reading the whole stream once.</summary>
internal sealed class StreamReport
{
    private StreamReport(string file, EvcsHeader header, int headerLength)
    {
        File = file;
        Header = header;
        HeaderLength = headerLength;
    }

    public string File { get; }
    public EvcsHeader Header { get; }
    public int HeaderLength { get; }
    public long Bytes { get; private set; }
    public List<int> Sizes { get; } = [];
    public long FirstFrame { get; private set; } = -1;
    public long LastFrame { get; private set; } = -1;
    public long MissingFrames { get; private set; }
    public long FlaggedDamaged { get; private set; }
    public long FirstPts { get; private set; }
    public long LastPts { get; private set; }
    public bool EndOfStreamFlag { get; private set; }
    public EvcsTrailer? Trailer { get; private set; }
    public string Index { get; private set; } = "absent";
    public IReadOnlyList<EvcsDamage> Damage { get; private set; } = [];
    public long Reordered { get; private set; }
    public long Duplicates { get; private set; }
    public long TooLate { get; private set; }

    public static async Task<StreamReport> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using TransportInput? transport = TransportInput.Handles(path) ? TransportInput.Open(path, cancellationToken) : null;
        await using EvcsReader reader = await InfoCommand.OpenReaderAsync(transport?.Evcs ?? InfoCommand.OpenInput(path), path, null, cancellationToken).ConfigureAwait(false);
        var report = new StreamReport(Program.IsStdio(path) ? "-" : path, reader.Header, reader.HeaderLength);
        // The frames a player gets: in frame order, each once (so missing-frame counts stay right on a shuffled file).
        using (var ordered = new EvcsOrderedReader(reader))
        {
            while (await ordered.ReadPacketAsync(cancellationToken).ConfigureAwait(false) is { } packet)
            {
                using (packet)
                    report.Add(packet);
            }
            report.Reordered = ordered.Reordered;
            report.Duplicates = ordered.Duplicates;
            report.TooLate = ordered.TooLate;
        }
        report.Bytes = reader.Position;
        report.Trailer = reader.Trailer;
        report.Damage = reader.Damage;
        report.Index = reader.IndexSource == EvcsIndexSource.Stored ? "stored"
            : reader.StoredIndexDamaged || reader.Damage.Any(d => d.Reason == EvcsDamageReason.IndexDamaged) ? "damaged"
            : reader.Trailer is { IndexOffset: > 0 } ? "present"
            : "absent";
        return report;
    }

    private void Add(in EvcsPacket packet)
    {
        if (Sizes.Count == 0)
        {
            FirstFrame = packet.FrameNumber;
            FirstPts = packet.Pts;
        }
        else if (packet.FrameNumber > LastFrame + 1)
        {
            MissingFrames += packet.FrameNumber - LastFrame - 1;
        }
        LastFrame = packet.FrameNumber;
        LastPts = packet.Pts;
        Sizes.Add(packet.Length);
        if ((packet.Info.Flags & EvcsPacketFlags.Damaged) != 0)
            FlaggedDamaged++;
        if ((packet.Info.Flags & EvcsPacketFlags.EndOfStream) != 0)
            EndOfStreamFlag = true;
    }

    /// <summary>Duration in seconds: the trailer's when it is there, otherwise from the packets read.</summary>
    public double DurationSeconds => Header.ToSeconds(Trailer?.Duration ?? (Sizes.Count == 0 ? 0 : LastPts - FirstPts + Header.FrameDuration));

    public long PayloadBytes => Sizes.Sum(s => (long)s);

    public double BitrateKbps => DurationSeconds > 0 ? PayloadBytes * 8 / DurationSeconds / 1000 : 0;

    public (int Min, double Median, int Max, double Mean) SizeStatistics()
    {
        if (Sizes.Count == 0)
            return (0, 0, 0, 0);
        int[] sorted = [.. Sizes];
        Array.Sort(sorted);
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + (double)sorted[n / 2]) / 2;
        return (sorted[0], median, sorted[^1], (double)PayloadBytes / n);
    }

    public object ToJson()
    {
        (int min, double median, int max, double mean) = SizeStatistics();
        return new
        {
            file = File,
            bytes = Bytes,
            version = $"{Header.VersionMajor}.{Header.VersionMinor}",
            header = new
            {
                length = HeaderLength,
                architecture = Header.Architecture,
                stream_mode = Header.StreamMode.ToString(),
                weights_sha256 = Header.WeightsSha256Hex,
                width = Header.Width,
                height = Header.Height,
                pad_right = Header.PadRight,
                pad_bottom = Header.PadBottom,
                color_space = Header.ColorSpace.ToString(),
                color_range = Header.ColorRange.ToString(),
                time_base = Header.TimeBase.ToString(),
                frame_rate = Header.FrameRate.ToString(),
                encoder = Header.EncoderName,
                encoder_version = Header.EncoderVersion,
                metadata = Header.Metadata.Select(p => new { key = p.Key, value = p.Value }).ToArray(),
            },
            frames = Sizes.Count,
            first_frame = FirstFrame,
            last_frame = LastFrame,
            missing_frames = MissingFrames,
            flagged_damaged = FlaggedDamaged,
            end_of_stream_flag = EndOfStreamFlag,
            reordered_packets = Reordered,
            duplicate_packets = Duplicates,
            misplaced_packets_dropped = TooLate,
            duration_seconds = DurationSeconds,
            payload_bytes = PayloadBytes,
            bitrate_kbps = BitrateKbps,
            frame_bytes = new { min, median, max, mean },
            trailer = Trailer is { } t ? new { frame_count = t.FrameCount, duration = t.Duration, index_offset = t.IndexOffset } : null,
            index = Index,
            damaged_regions = Damage.Select(d => new { position = d.Position, length = d.Length, reason = d.Reason.ToString() }).ToArray(),
        };
    }

    public void Render(IAnsiConsole console)
    {
        (int min, double median, int max, double mean) = SizeStatistics();
        var table = new Table().Title($"[bold]{Markup.Escape(File)}[/]").HideHeaders().AddColumn("field").AddColumn("value");
        void Row(string field, string value) => table.AddRow(Markup.Escape(field), Markup.Escape(value));
        Row("format", $".evcs {Header.VersionMajor}.{Header.VersionMinor}, {Bytes:N0} bytes (header {HeaderLength})");
        Row("model", $"{Header.Architecture} ({Header.StreamMode}), weights sha256 {Header.WeightsSha256Hex}");
        Row("picture", $"{Header.Width}x{Header.Height}, padding right {Header.PadRight} bottom {Header.PadBottom} (coded {Header.CodedWidth}x{Header.CodedHeight})");
        Row("colour", $"{Header.ColorSpace}, {Header.ColorRange} range");
        Row("clock", $"time base {Header.TimeBase}, frame rate {Header.FrameRate} ({Header.FrameRate.Value.ToString("0.###", CultureInfo.InvariantCulture)} fps)");
        Row("encoder", $"{Header.EncoderName} {Header.EncoderVersion}".Trim());
        foreach (KeyValuePair<string, string> pair in Header.Metadata)
            Row($"  {pair.Key}", pair.Value);
        Row("frames", Sizes.Count == 0 ? "0" : $"{Sizes.Count:N0} (numbers {FirstFrame}–{LastFrame}, {MissingFrames:N0} missing, {FlaggedDamaged:N0} flagged damaged)");
        if (Reordered + Duplicates + TooLate > 0)
            Row("order", $"{Reordered:N0} packet(s) out of order (put back), {Duplicates:N0} duplicate(s) dropped, {TooLate:N0} too far from their place dropped");
        Row("duration", string.Create(CultureInfo.InvariantCulture, $"{DurationSeconds:F3} s"));
        Row("bitrate", string.Create(CultureInfo.InvariantCulture, $"{BitrateKbps:F1} kbit/s ({PayloadBytes:N0} payload bytes)"));
        Row("frame size", string.Create(CultureInfo.InvariantCulture, $"min {min:N0}, median {median:N0}, max {max:N0}, mean {mean:N0} bytes"));
        Row("trailer", Trailer is { } t ? $"{t.FrameCount:N0} frames, duration {t.Duration} ticks" : "missing (stream cut or still being written)");
        Row("index", Index);
        Row("damage", Damage.Count == 0 ? "none" : $"{Damage.Count} region(s)");
        console.Write(table);
        foreach (EvcsDamage d in Damage)
            console.MarkupLine(Markup.Escape($"  damaged: byte {d.Position:N0}, {d.Length:N0} bytes skipped, {d.Reason}"));
    }
}
