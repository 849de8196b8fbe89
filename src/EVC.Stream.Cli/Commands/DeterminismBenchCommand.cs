using System.ComponentModel;
using System.Text.Json;
using EVC.Stream.Cli.Benchmarks;
using EVC.Stream.Entropy;
using EVC.Stream.Media;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;
using static TorchSharp.torch;
using EVC.Stream.Imaging;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench determinism</c>: how often float non-determinism breaks official-mode streams. Each image is
/// encoded with batch 1 and batch 4, with 1 and 2 threads; every stream is then decoded alone with the other thread
/// count. Counts the scale indexes that differ before the entropy coder and the frames that do not decode to the
/// encoder's symbols. <c>--encode-device</c> and <c>--decode-device</c> put the two sides on different devices (a GPU
/// encoder against a CPU decoder and the reverse).
/// </summary>
internal sealed class DeterminismBenchCommand : Command<DeterminismBenchCommand.Settings>
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public sealed class Settings : KitImageBenchSettings
    {
        [CommandOption("--count <N>")]
        [Description("Number of images (a multiple of 4). Default 8.")]
        public int Count { get; init; } = 8;

        [CommandOption("-s|--size <WxH>")]
        [Description("Crop size (any size; padded to multiples of 64 as the codec does). Default 512x512.")]
        public string Size { get; init; } = "512x512";

        [CommandOption("-q|--quality <Q>")]
        [Description("A rate index 0..3 of the model's anchors, or a q_scale such as 1.5. Default: rate index 1.")]
        public string? Quality { get; init; }

        [CommandOption("--mode <MODE>")]
        [Description("official, deterministic or both (default).")]
        public string Mode { get; init; } = "both";

        [CommandOption("--encode-device <TYPE>")]
        [Description("cpu (default) or cuda: where the streams are encoded.")]
        public string EncodeDevice { get; init; } = "cpu";

        [CommandOption("--decode-device <TYPE>")]
        [Description("cpu (default) or cuda: where they are decoded.")]
        public string DecodeDevice { get; init; } = "cpu";
    }

    private sealed record Setting(string Name, int Batch, int Threads);

    internal sealed record SettingResult(string Mode, string Setting, int IndexesDifferingFromReference, int DecodedWithThreads,
        int FramesDecodedExactly, int FramesDesynchronised, int DecoderIndexDifferences);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        (int width, int height) = BenchmarkMath.ParseSize(settings.Size);
        if (width < 16 || height < 16)
            throw new ArgumentException("--size must be at least 16x16");
        if (settings.Count < 4 || settings.Count % 4 != 0)
            throw new ArgumentException("--count must be a positive multiple of 4");
        StreamMode[] modes = settings.Mode switch
        {
            "official" => [StreamMode.Official],
            "deterministic" => [StreamMode.Deterministic],
            "both" => [StreamMode.Official, StreamMode.Deterministic],
            _ => throw new ArgumentException("--mode must be official, deterministic or both"),
        };
        if (settings.EncodeDevice is not ("cpu" or "cuda"))
            throw new ArgumentException($"--encode-device must be cpu or cuda (got '{settings.EncodeDevice}')");
        if (settings.DecodeDevice is not ("cpu" or "cuda"))
            throw new ArgumentException($"--decode-device must be cpu or cuda (got '{settings.DecodeDevice}')");
        // The kit only for images not given: with --images this runs where ../shared is absent (a GPU machine; the
        // default model travels next to the binary).
        string? kit = settings.Images is null
            ? ReferenceKit.Find(null) ?? throw new DirectoryNotFoundException("reference kit not found (../shared/reference/evc-official): give --images")
            : null;
        string images = settings.Images ?? ReferenceKit.Dataset(kit!, "kodak");
        Device encodeDevice = ModelDefaults.ChooseDevice(settings.EncodeDevice, "--encode-device");
        Device decodeDevice = ModelDefaults.ChooseDevice(settings.DecodeDevice, "--decode-device");

        int paddedWidth = ImageCodec.PaddedSize(width), paddedHeight = ImageCodec.PaddedSize(height);
        var crops = new List<float[]>();
        foreach (string file in Directory.GetFiles(images, "*.png").Order(StringComparer.Ordinal))
        {
            PlanarImage image = PlanarImage.LoadPng(file);
            if (image.Width < width || image.Height < height)
                continue;
            var crop = new float[3 * paddedWidth * paddedHeight];  // zero padding right and bottom
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < height; y++)
                    Array.Copy(image.Data, c * image.Width * image.Height + y * image.Width, crop, (c * paddedHeight + y) * paddedWidth, width);
            crops.Add(crop);
            if (crops.Count == settings.Count)
                break;
        }
        if (crops.Count < settings.Count)
            throw new ArgumentException($"{images} has only {crops.Count} images of at least {width}x{height}");

        EvcModel encoderModel = LoadOn(settings.Weights, settings.Arch, encodeDevice);
        EvcModel decoderModel = settings.DecodeDevice == settings.EncodeDevice ? encoderModel : LoadOn(settings.Weights, settings.Arch, decodeDevice);
        Quality quality = Usage.QualityOption.Parse(settings.Quality);
        double q = quality.Resolve(encoderModel);
        Setting[] grid = [new("batch 1, 1 thread", 1, 1), new("batch 1, 2 threads", 1, 2), new("batch 4, 1 thread", 4, 1), new("batch 4, 2 threads", 4, 2)];
        var results = new List<SettingResult>();
        foreach (StreamMode mode in modes)
            results.AddRange(Measure(new ImageCodec(encoderModel, mode), new ImageCodec(decoderModel, mode), crops, width, height, q, grid, settings.Json, cancellationToken));
        set_num_threads(1);

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { benchmark = "determinism", encode_device = settings.EncodeDevice, decode_device = settings.DecodeDevice, frames = crops.Count, frame = $"{width}x{height}", rate_index = quality.RateIndex, q_scale = QScale.Round(q).QUsed, results }, s_json));
            return 0;
        }
        foreach (StreamMode mode in modes)
        {
            string name = mode.ToString().ToLowerInvariant();
            var table = new Table().Title($"[bold]{name} mode, {crops.Count} frames of {width}x{height}, q_scale {QScale.Round(q).QUsed}, encoded on {settings.EncodeDevice}, decoded on {settings.DecodeDevice}[/]")
                .AddColumn("encoded with").AddColumn(new TableColumn("indexes ≠ batch 1, 1 thread").RightAligned())
                .AddColumn("decoded with").AddColumn(new TableColumn("frames exact").RightAligned())
                .AddColumn(new TableColumn("frames broken").RightAligned()).AddColumn(new TableColumn("decoder index ≠ encoder").RightAligned());
            foreach (SettingResult r in results)
            {
                if (r.Mode == name)
                    table.AddRow(r.Setting, $"{r.IndexesDifferingFromReference}", $"batch 1, {r.DecodedWithThreads} thread(s)", $"{r.FramesDecodedExactly}", $"{r.FramesDesynchronised}", $"{r.DecoderIndexDifferences}");
            }
            AnsiConsole.Write(table);
        }
        return 0;
    }

    private static EvcModel LoadOn(string? weights, string arch, Device device) => ModelDefaults.Load(weights, arch, device).Model;

    private static List<SettingResult> Measure(ImageCodec codec, ImageCodec decoder, List<float[]> crops, int width, int height, double q, Setting[] grid, bool quiet, CancellationToken cancellationToken)
    {
        string modeName = codec.Mode.ToString().ToLowerInvariant();

        var encoded = new Dictionary<string, ImageCodec.BatchItem[]>();
        foreach (Setting setting in grid)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!quiet)
                AnsiConsole.MarkupLine($"[grey]{modeName} mode, encoding: {setting.Name}…[/]");
            set_num_threads(setting.Threads);
            var items = new List<ImageCodec.BatchItem>();
            for (int start = 0; start < crops.Count; start += setting.Batch)
            {
                using var scope = NewDisposeScope();
                var batch = new float[setting.Batch * crops[0].Length];
                for (int b = 0; b < setting.Batch; b++)
                    crops[start + b].CopyTo(batch, b * crops[0].Length);
                items.AddRange(codec.CompressBatch(tensor(batch, new long[] { setting.Batch, 3, ImageCodec.PaddedSize(height), ImageCodec.PaddedSize(width) }).to(codec.Device), height, width, q));
            }
            encoded[setting.Name] = [.. items];
        }

        var results = new List<SettingResult>();
        ImageCodec.BatchItem[] reference = encoded[grid[0].Name];
        foreach (Setting setting in grid)
        {
            ImageCodec.BatchItem[] items = encoded[setting.Name];
            int indexDifferences = 0;
            for (int i = 0; i < items.Length; i++)
                indexDifferences += Differences(items[i].Pass0Indexes, reference[i].Pass0Indexes) + Differences(items[i].Pass1Indexes, reference[i].Pass1Indexes);

            int decodeThreads = setting.Threads == 1 ? 2 : 1;
            if (!quiet)
                AnsiConsole.MarkupLine($"[grey]{modeName} mode, decoding {setting.Name} streams with {decodeThreads} thread(s)…[/]");
            set_num_threads(decodeThreads);
            int exact = 0, broken = 0, decoderDifferences = 0;
            foreach (ImageCodec.BatchItem item in items)
            {
                using var scope = NewDisposeScope();
                var seen = new List<byte[]>();
                bool failed = false;
                try
                {
                    decoder.Decompress(item.Bin, out _, out _, (_, _, indexes) => seen.Add(indexes));
                }
                catch (EntropyCodingException)
                {
                    failed = true;
                }
                // A stream that fails before its first pass counts every index of both passes as different.
                int differences = (seen.Count > 0 ? Differences(seen[0], item.Pass0Indexes) : item.Pass0Indexes.Length)
                    + (seen.Count > 1 ? Differences(seen[1], item.Pass1Indexes) : item.Pass1Indexes.Length);
                decoderDifferences += differences;
                if (!failed && differences == 0)
                    exact++;
                else
                    broken++;
            }
            results.Add(new SettingResult(modeName, setting.Name, indexDifferences, decodeThreads, exact, broken, decoderDifferences));
        }

        return results;
    }

    private static int Differences(byte[] a, byte[] b)
    {
        int count = 0;
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            count += a[i] != b[i] ? 1 : 0;
        return count + Math.Abs(a.Length - b.Length);
    }
}
