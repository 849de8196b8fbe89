namespace EVC.Stream.Cli.Commands;

/// <summary><c>evcstream bench entropy</c>.</summary>
internal sealed class EntropyBenchCommand : Command<EntropyBenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--json")]
        [Description("Print the results as JSON on stdout instead of a table.")]
        public bool Json { get; init; }

        [CommandOption("--repeat <N>")]
        [Description("Timed repetitions per measurement; medians are reported. Default 15.")]
        public int Repeat { get; init; } = 15;

        [CommandOption("-s|--size <WxH>")]
        [Description("Frame size of the latent (multiples of 64). Default 1920x1088 (1080p padded).")]
        public string Size { get; init; } = "1920x1088";

        [CommandOption("--threads <N>")]
        [Description("Threads for the parallel measurement (independent frames). Default: all cores.")]
        public int Threads { get; init; } = Environment.ProcessorCount;

        [CommandOption("--kit <DIR>")]
        [Description("The official reference kit (default: ../shared/reference/evc-official, or $EVC_REFERENCE_KIT).")]
        public string? Kit { get; init; }

        [CommandOption("--save-payloads <DIR>")]
        [Description("Also write each profile's coded payload to DIR/<case>_<W>x<H>.stream, for a byte-for-byte comparison with the official coder.")]
        public string? SavePayloads { get; init; }

        [CommandOption("--official <FILE>")]
        [Description("JSON with the official C++ coder's figures from a side-by-side run: {\"low-rate\": {\"encode_msym_per_second\": .., \"decode_msym_per_second\": ..}, ...}.")]
        public string? Official { get; init; }

        public override ValidationResult Validate()
        {
            if (Repeat < 1)
                return ValidationResult.Error("--repeat must be at least 1");
            if (Threads < 1)
                return ValidationResult.Error("--threads must be at least 1");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        (int width, int height) = SizeOption.Parse(settings.Size, 64);
        IProgress<string>? progress = settings.Json ? null : new CallbackProgress<string>(message => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}…[/]"));
        List<EntropyProfileResult> results = EntropyBenchmark.RunAll(new EntropyBenchmarkOptions
        {
            Width = width,
            Height = height,
            Repeat = settings.Repeat,
            Threads = settings.Threads,
            Kit = settings.Kit,
            SavePayloads = settings.SavePayloads,
            OfficialFile = settings.Official,
        }, progress, cancellationToken);

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "entropy",
                frame = $"{width}x{height}",
                machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, runtime = Environment.Version.ToString() },
                profiles = results,
            }, JsonOutput.Options));
            return 0;
        }

        Render(results, width, height);
        return 0;
    }

    private static void Render(List<EntropyProfileResult> results, int width, int height)
    {
        foreach (EntropyProfileResult r in results)
        {
            var table = new Table().Title($"[bold]rANS entropy coding, {width}x{height} frame latent — {r.Profile}[/]")
                .AddColumn("coder").AddColumn(new TableColumn("encode Msym/s").RightAligned()).AddColumn(new TableColumn("decode Msym/s").RightAligned())
                .AddColumn(new TableColumn("encode ms").RightAligned()).AddColumn(new TableColumn("decode ms").RightAligned());
            table.AddRow("EVC.Stream, 1 thread", F(r.Ours.EncodeMsymPerSecond), F(r.Ours.DecodeMsymPerSecond), F(r.Ours.EncodeMs), F(r.Ours.DecodeMs));
            table.AddRow($"EVC.Stream, {r.ParallelThreads} threads (independent frames)", F(r.ParallelEncodeMsymPerSecond), F(r.ParallelDecodeMsymPerSecond), "", "");
            table.AddRow("official algorithm, C# port, 1 thread", F(r.ReferencePort.EncodeMsymPerSecond), F(r.ReferencePort.DecodeMsymPerSecond), F(r.ReferencePort.EncodeMs), F(r.ReferencePort.DecodeMs));
            if (r.Official is not null)
                table.AddRow("official C++ coder, 1 core (direct C++)", F(r.Official.EncodeMsymPerSecond), F(r.Official.DecodeMsymPerSecond), "", "");
            if (r.KitReadme is not null)
                table.AddRow("official coder, kit README (via Python)", F(r.KitReadme.EncodeMsymPerSecond), F(r.KitReadme.DecodeMsymPerSecond), "", "");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"  latent: {Markup.Escape(r.Latent)}; {r.Symbols:N0} symbols, {r.PayloadBytes:N0} bytes ({r.BitsPerSymbol:F3} bit/symbol); payload equals the official algorithm's: {(r.PayloadEqualsReferencePort ? "[green]yes[/]" : "[red]NO[/]")}");
            AnsiConsole.MarkupLine($"  speed-up vs the official algorithm (C# port, same run): encode [bold]{r.EncodeRatioVsReferencePort:F2}x[/], decode [bold]{r.DecodeRatioVsReferencePort:F2}x[/]");
            if (r.KitReadme is not null)
                AnsiConsole.MarkupLine($"  speed-up vs the official coder's kit README figures: encode [bold]{r.EncodeRatioVsKitReadme:F2}x[/], decode [bold]{r.DecodeRatioVsKitReadme:F2}x[/] (target ≥ 2x)");
            if (r.Official is not null)
                AnsiConsole.MarkupLine($"  speed-up vs the official C++ coder called directly: encode [bold]{r.EncodeRatioVsOfficial:F2}x[/], decode [bold]{r.DecodeRatioVsOfficial:F2}x[/] ({Markup.Escape(r.Official.Source)})");
            AnsiConsole.WriteLine();
        }
    }

    private static string F(double value) => value.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
}
