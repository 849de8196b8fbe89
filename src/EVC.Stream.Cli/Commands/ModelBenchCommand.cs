using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using EVC.Stream.Cli.Benchmarks;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench model</c>: CPU time per frame of the full official-format compress and decompress (networks and
/// entropy coding), against the official PyTorch figures measured on this kind of machine (kit README).
/// </summary>
internal sealed class ModelBenchCommand : Command<ModelBenchCommand.Settings>
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

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

    /// <summary>Official PyTorch 1.13 CPU, 768x512, EVC_SS (kit README): seconds per compress / decompress.</summary>
    private static (double Compress, double Decompress)? Official(int threads, int width, int height) =>
        (width, height, threads) switch
        {
            (768, 512, 2) => (1.19, 0.78),
            (768, 512, 1) => (22.7, 16.6),
            _ => null,
        };

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        (int width, int height) = BenchmarkMath.ParseSize(settings.Size);
        set_num_threads(settings.Threads);
        string? weights = settings.Weights;
        if (weights is null && settings.Arch == "EVC_SS")
            weights = ModelDefaults.FindShipped(AppContext.BaseDirectory, Environment.CurrentDirectory);
        EvcModel model = weights is null ? new EvcModel(EvcArchitecture.Get(settings.Arch)) : WeightsFile.Load(weights, settings.Arch);
        var codec = new ImageCodec(model);
        var random = new Random(7);
        var pixels = new float[3 * width * height];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = (float)random.NextDouble();

        var compress = new double[settings.Repeat];
        var decompress = new double[settings.Repeat];
        // Warm-up frames: the first runs at a new size create and cache oneDNN primitives and allocator pools.
        const int WarmUp = 3;
        for (int r = -WarmUp; r < settings.Repeat; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            Tensor x = ImageCodec.Pad(tensor(pixels, new long[] { 1, 3, height, width }));
            long start = Stopwatch.GetTimestamp();
            byte[] bin = codec.Compress(x, height, width, model.Anchor(1), out CompressionTrace trace);
            // The official compress also reconstructs x_hat (the encoder-side picture); time the same work.
            using (no_grad())
                model.Decoder.forward(trace.YHat).clamp_(0, 1);
            double compressSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            start = Stopwatch.GetTimestamp();
            codec.Decompress(bin, out _, out _);
            double decompressSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (r >= 0)
            {
                compress[r] = compressSeconds;
                decompress[r] = decompressSeconds;
            }
        }
        double c = BenchmarkMath.Median(compress), d = BenchmarkMath.Median(decompress);
        var official = Official(settings.Threads, width, height);
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new
            {
                benchmark = "model", arch = settings.Arch, frame = $"{width}x{height}", threads = settings.Threads, weights = weights ?? "untrained",
                compress_seconds = c, decompress_seconds = d,
                official_compress_seconds = official?.Compress, official_decompress_seconds = official?.Decompress,
                compress_ratio = official is null ? (double?)null : c / official.Value.Compress,
                decompress_ratio = official is null ? (double?)null : d / official.Value.Decompress,
            }, s_json));
            return 0;
        }
        var table = new Table().Title($"[bold]{settings.Arch}, {width}x{height}, {settings.Threads} thread(s), medians of {settings.Repeat}[/]")
            .AddColumn("").AddColumn(new TableColumn("compress s").RightAligned()).AddColumn(new TableColumn("decompress s").RightAligned());
        table.AddRow("EVC.Stream (TorchSharp, CPU)", $"{c:F3}", $"{d:F3}");
        if (official is not null)
        {
            table.AddRow("official PyTorch 1.13 CPU (kit README)", $"{official.Value.Compress:F2}", $"{official.Value.Decompress:F2}");
            table.AddRow("ratio (target ≤ 1.0)", $"{c / official.Value.Compress:F2}", $"{d / official.Value.Decompress:F2}");
        }
        AnsiConsole.Write(table);
        return 0;
    }
}
