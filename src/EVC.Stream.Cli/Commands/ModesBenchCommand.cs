using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using EVC.Stream.Cli.Benchmarks;
using EVC.Stream.Media;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;
using EVC.Stream.Imaging;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench modes</c>: what the deterministic stream mode costs. Every image is coded in official and in
/// deterministic mode at each rate anchor; real file sizes (whole <c>.bin</c>) and RGB PSNR of the 8-bit
/// reconstruction, as the official test script measures them, plus encode and decode times.
/// </summary>
internal sealed class ModesBenchCommand : Command<ModesBenchCommand.Settings>
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public sealed class Settings : KitImageBenchSettings
    {
        [CommandOption("--count <N>")]
        [Description("Use only the first N images (sorted by name). Default: all.")]
        public int? Count { get; init; }

        [CommandOption("--threads <N>")]
        [Description("CPU threads. Default: all cores.")]
        public int? Threads { get; init; }
    }

    internal sealed record AnchorResult(int RateIndex, double QScale, double OfficialBpp, double DeterministicBpp, double BitrateIncreasePercent,
        double OfficialPsnr, double DeterministicPsnr, double OfficialEncodeSeconds, double DeterministicEncodeSeconds,
        double OfficialDecodeSeconds, double DeterministicDecodeSeconds);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string kit = ReferenceKit.Find(null) ?? throw new DirectoryNotFoundException("reference kit not found (../shared/reference/evc-official)");
        string images = settings.Images ?? ReferenceKit.Dataset(kit, "kodak");
        if (!Directory.Exists(images))
            throw new DirectoryNotFoundException($"image folder not found: {images}");
        string[] files = Directory.GetFiles(images, "*.png");
        Array.Sort(files, StringComparer.Ordinal);
        if (settings.Count is int count)
            files = files[..Math.Min(count, files.Length)];
        if (files.Length == 0)
            throw new ArgumentException($"no PNG images in {images}");
        set_num_threads(settings.Threads ?? Environment.ProcessorCount);
        (EvcModel model, _) = ModelDefaults.Load(settings.Weights, settings.Arch, CPU);
        var official = new ImageCodec(model, StreamMode.Official);
        var deterministic = new ImageCodec(model, StreamMode.Deterministic);

        int anchors = (int)model.QScaleAnchors.shape[0];
        var sums = new double[anchors, 10];
        double totalPixels = 0;
        for (int f = 0; f < files.Length; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            PlanarImage image = PlanarImage.LoadPng(files[f]);
            byte[] original = image.ToRgb24();
            double pixels = (double)image.Width * image.Height;
            totalPixels += pixels;
            for (int rate = 0; rate < anchors; rate++)
            {
                double q = model.Anchor(rate);
                (double bytesA, double psnrA, double encA, double decA) = Code(official, image, original, q);
                (double bytesB, double psnrB, double encB, double decB) = Code(deterministic, image, original, q);
                double[] values = [bytesA * 8, bytesB * 8, psnrA, psnrB, encA, encB, decA, decB];
                for (int k = 0; k < values.Length; k++)
                    sums[rate, k] += values[k];
            }
            if (!settings.Json)
                AnsiConsole.MarkupLine($"[grey]{f + 1}/{files.Length} {Markup.Escape(Path.GetFileName(files[f]))}[/]");
        }

        var results = new List<AnchorResult>();
        for (int rate = 0; rate < anchors; rate++)
        {
            double n = files.Length;
            double bppA = sums[rate, 0] / totalPixels, bppB = sums[rate, 1] / totalPixels;
            results.Add(new AnchorResult(rate, QScale.Round(model.Anchor(rate)).QUsed, bppA, bppB, (bppB / bppA - 1) * 100,
                sums[rate, 2] / n, sums[rate, 3] / n, sums[rate, 4] / n, sums[rate, 5] / n, sums[rate, 6] / n, sums[rate, 7] / n));
        }
        set_num_threads(1);
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { benchmark = "modes", images, count = files.Length, arch = model.Architecture.Name, threads = settings.Threads ?? Environment.ProcessorCount, results }, s_json));
            return 0;
        }
        var table = new Table().Title($"[bold]official vs deterministic mode, {files.Length} images, {model.Architecture.Name}[/]")
            .AddColumn("rate").AddColumn(new TableColumn("q_scale").RightAligned())
            .AddColumn(new TableColumn("bpp official").RightAligned()).AddColumn(new TableColumn("bpp deterministic").RightAligned())
            .AddColumn(new TableColumn("Δ bitrate").RightAligned())
            .AddColumn(new TableColumn("PSNR official").RightAligned()).AddColumn(new TableColumn("PSNR deterministic").RightAligned())
            .AddColumn(new TableColumn("enc s (off/det)").RightAligned()).AddColumn(new TableColumn("dec s (off/det)").RightAligned());
        foreach (AnchorResult r in results)
        {
            table.AddRow($"{r.RateIndex}", $"{r.QScale:F2}", $"{r.OfficialBpp:F4}", $"{r.DeterministicBpp:F4}", $"{r.BitrateIncreasePercent:+0.000;-0.000}%",
                $"{r.OfficialPsnr:F3}", $"{r.DeterministicPsnr:F3}", $"{r.OfficialEncodeSeconds:F2}/{r.DeterministicEncodeSeconds:F2}", $"{r.OfficialDecodeSeconds:F2}/{r.DeterministicDecodeSeconds:F2}");
        }
        AnsiConsole.Write(table);
        return 0;
    }

    private static (double Bytes, double Psnr, double EncodeSeconds, double DecodeSeconds) Code(ImageCodec codec, PlanarImage image, byte[] original, double q)
    {
        using var scope = NewDisposeScope();
        Tensor x = ImageCodec.Pad(tensor(image.Data, new long[] { 1, 3, image.Height, image.Width }));
        long start = Stopwatch.GetTimestamp();
        byte[] bin = codec.Compress(x, image.Height, image.Width, q, out _);
        double encode = Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        Tensor xHat = codec.Decompress(bin, out int height, out int width);
        double decode = Stopwatch.GetElapsedTime(start).TotalSeconds;
        using Tensor cropped = xHat.narrow(2, 0, height).narrow(3, 0, width).contiguous().cpu();
        byte[] reconstruction = new PlanarImage(width, height, cropped.data<float>().ToArray()).ToRgb24();
        return (bin.Length, PlanarImage.Psnr(original, reconstruction), encode, decode);
    }
}
