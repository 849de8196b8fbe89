namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench model</c>: CPU time per frame of the full official-format compress and decompress (networks and
/// entropy coding), against the official PyTorch figures measured on this kind of machine (kit README).
/// </summary>
internal sealed class ModelBenchCommand : Command<ModelBenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--arch <ARCH>")]
        [Description("Architecture. Default EVC_SS.")]
        public string Arch { get; init; } = "EVC_SS";

        [CommandOption("--weights <FILE>")]
        [Description("Weights (default: the shipped default model when --arch is EVC_SS, else untrained weights: speed does not depend on them).")]
        public string? Weights { get; init; }

        [CommandOption("-s|--size <WxH>")]
        [Description("Frame size. Default 768x512 (the kit's speed probe).")]
        public string Size { get; init; } = "768x512";

        [CommandOption("--threads <N>")]
        [Description("CPU threads. Default 2 (the kit's official figures use 2 threads; 1 thread is also reported there).")]
        public int Threads { get; init; } = 2;

        [CommandOption("--repeat <N>")]
        [Description("Timed frames; medians are reported. Default 5.")]
        public int Repeat { get; init; } = 5;

        [CommandOption("--json")]
        [Description("Print JSON instead of a table.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        (int width, int height) = SizeOption.Parse(settings.Size);
        string? weights = settings.Weights;
        if (weights is null && settings.Arch == "EVC_SS")
            weights = EvcModelLoader.FindShipped(AppContext.BaseDirectory, Environment.CurrentDirectory);
        ModelBenchmarkResult result = ModelBenchmark.Run(new ModelBenchmarkOptions
        {
            Arch = settings.Arch,
            Weights = weights,
            Width = width,
            Height = height,
            Threads = settings.Threads,
            Repeat = settings.Repeat,
        }, cancellationToken);
        double c = result.CompressSeconds, d = result.DecompressSeconds;
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "model", arch = settings.Arch, frame = $"{width}x{height}", threads = settings.Threads, weights = weights ?? "untrained",
                compress_seconds = c, decompress_seconds = d,
                official_compress_seconds = result.OfficialCompressSeconds, official_decompress_seconds = result.OfficialDecompressSeconds,
                compress_ratio = c / result.OfficialCompressSeconds,
                decompress_ratio = d / result.OfficialDecompressSeconds,
            }, JsonOutput.Options));
            return 0;
        }
        var table = new Table().Title($"[bold]{settings.Arch}, {width}x{height}, {settings.Threads} thread(s), medians of {settings.Repeat}[/]")
            .AddColumn("").AddColumn(new TableColumn("compress s").RightAligned()).AddColumn(new TableColumn("decompress s").RightAligned());
        table.AddRow("EVC.Stream (TorchSharp, CPU)", $"{c:F3}", $"{d:F3}");
        if (result.OfficialCompressSeconds is double officialCompress && result.OfficialDecompressSeconds is double officialDecompress)
        {
            table.AddRow("official PyTorch 1.13 CPU (kit README)", $"{officialCompress:F2}", $"{officialDecompress:F2}");
            table.AddRow("ratio (target ≤ 1.0)", $"{c / officialCompress:F2}", $"{d / officialDecompress:F2}");
        }
        AnsiConsole.Write(table);
        return 0;
    }
}
