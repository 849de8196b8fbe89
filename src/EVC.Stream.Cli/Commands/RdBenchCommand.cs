using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EVC.Stream.Cli.Benchmarks;
using EVC.Stream.Evaluation;
using EVC.Stream.Media;
using EVC.Stream.Media.Video;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;
using EVC.Stream.Imaging;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream bench rd</c>: EVC (both stream modes, at the model's rate anchors) against classical codecs through
/// FFmpeg on a folder of images or frames of a clip — real file sizes, RGB and BT.709 YUV PSNR, MS-SSIM, encode and
/// decode times — with BD-rates against an anchor codec, a markdown table, a JSON summary and RD plots. Results are
/// stored per image as they finish; rerunning with the same --out resumes.
/// </summary>
internal sealed class RdBenchCommand : Command<RdBenchCommand.Settings>
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--images <DIR>")]
        [Description("Folder of PNG images.")]
        public string? Images { get; init; }

        [CommandOption("--video <FILE>")]
        [Description("A clip: --frames frames taken every --frame-step frames are the images.")]
        public string? Video { get; init; }

        [CommandOption("--frames <N>")]
        [Description("Frames of --video. Default 8.")]
        public int Frames { get; init; } = 8;

        [CommandOption("--frame-step <N>")]
        [Description("Take every Nth frame of --video. Default 30.")]
        public int FrameStep { get; init; } = 30;

        [CommandOption("--count <N>")]
        [Description("Only the first N images (by name).")]
        public int? Count { get; init; }

        [CommandOption("--codecs <LIST>")]
        [Description("Comma-separated: evc, evc-official, jpeg, webp, jxl, x264, x265, aom-av1, svt-av1, or all (default). evc is the deterministic mode.")]
        public string Codecs { get; init; } = "all";

        [CommandOption("--anchor <CODEC>")]
        [Description("BD-rate anchor. Default x265.")]
        public string Anchor { get; init; } = "x265";

        [CommandOption("-o|--output <DIR>")]
        [Description("Results folder (results.jsonl, results.md, summary.json, rd-psnr.png, rd-msssim.png). Default bench-rd/<name of the image folder>.")]
        public string? Out { get; init; }

        [CommandOption("--weights <FILE>")]
        [Description("EVC weights (default: the shipped default model, models/default.safetensors).")]
        public string? Weights { get; init; }

        [CommandOption("--arch <ARCH>")]
        [Description("Architecture for official checkpoints (default EVC_SS).")]
        public string? Arch { get; init; }

        [CommandOption("--threads <N>")]
        [Description("CPU threads. Default: all cores.")]
        public int? Threads { get; init; }

        [CommandOption("--json")]
        [Description("Print the summary as JSON.")]
        public bool Json { get; init; }

        public override ValidationResult Validate() =>
            (Images is null) == (Video is null) ? ValidationResult.Error("give --images DIR or --video FILE") : ValidationResult.Success();
    }

    private const string EvcDeterministic = "evc", EvcOfficial = "evc-official";

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        FFmpegTool.Require();
        string name = settings.Images is not null ? Path.GetFileName(Path.GetFullPath(settings.Images).TrimEnd('/')) : Path.GetFileNameWithoutExtension(settings.Video!);
        string output = Path.GetFullPath(settings.Out ?? Path.Combine("bench-rd", name));
        Directory.CreateDirectory(output);
        string[] images = Images(settings, output);
        if (settings.Count is int count)
            images = images[..Math.Min(count, images.Length)];
        if (images.Length == 0)
            throw new ArgumentException("no PNG images found");

        string[] codecs = settings.Codecs == "all"
            ? [EvcDeterministic, EvcOfficial, .. ClassicalCodecs.All.Select(c => c.Name)]
            : settings.Codecs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string codec in codecs)
        {
            if (codec is not (EvcDeterministic or EvcOfficial))
                ClassicalCodecs.Get(codec);  // validates the name
        }

        set_num_threads(settings.Threads ?? Environment.ProcessorCount);
        EvcModel? model = null;
        string modelLine = "";
        if (codecs.Any(c => c is EvcDeterministic or EvcOfficial))
            (model, modelLine) = ModelDefaults.Load(settings.Weights, settings.Arch, CPU);
        if (modelLine.Length > 0 && !settings.Json)
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(modelLine)}[/]");

        var store = new RdStore(Path.Combine(output, "results.jsonl"));
        string work = Directory.CreateTempSubdirectory("evc-bench-rd-").FullName;  // bitstreams live only until measured
        var jobs = new List<(string Image, string Codec, string Setting, double Parameter)>();
        foreach (string image in images)
        {
            string key = Path.GetFileName(image);
            foreach (string codec in codecs)
            {
                if (codec is EvcDeterministic or EvcOfficial)
                {
                    for (int rate = 0; rate < model!.QScaleAnchors.shape[0]; rate++)
                        jobs.Add((image, codec, $"r{rate}", model.Anchor(rate)));
                }
                else
                {
                    ClassicalCodec classical = ClassicalCodecs.Get(codec);
                    foreach (double setting in classical.Settings)
                        jobs.Add((image, codec, $"{classical.SettingName} {setting.ToString(CultureInfo.InvariantCulture)}", setting));
                }
            }
        }
        var pending = jobs.Where(j => !store.Contains(Path.GetFileName(j.Image), j.Codec, j.Setting)).ToList();
        if (!settings.Json)
            AnsiConsole.MarkupLine($"{images.Length} images × {codecs.Length} codecs: {jobs.Count} codings, {jobs.Count - pending.Count} already done in {Markup.Escape(output)}");

        var originals = new Dictionary<string, (byte[] Rgb, int Width, int Height, PlanarImage Planar)>();
        foreach (string image in images)
        {
            PlanarImage planar = PlanarImage.LoadPng(image);
            originals[image] = (planar.ToRgb24(), planar.Width, planar.Height, planar);
        }

        void Run(ProgressTask? task)
        {
            // EVC on the torch threads, one at a time; classical codecs two at a time (FFmpeg processes).
            foreach (var job in pending.Where(j => j.Codec is EvcDeterministic or EvcOfficial))
            {
                cancellationToken.ThrowIfCancellationRequested();
                store.Add(CodeEvc(model!, job.Image, originals[job.Image], job.Codec, job.Setting, job.Parameter));
                task?.Increment(1);
            }
            Parallel.ForEach(pending.Where(j => j.Codec is not (EvcDeterministic or EvcOfficial)),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount), CancellationToken = cancellationToken }, job =>
                {
                    store.Add(CodeClassical(ClassicalCodecs.Get(job.Codec), job.Image, originals[job.Image], job.Setting, job.Parameter, work));
                    task?.Increment(1);
                });
        }

        if (pending.Count > 0)
        {
            if (settings.Json || Console.IsOutputRedirected)
                Run(null);
            else
                AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(progress => Run(progress.AddTask("coding", maxValue: pending.Count)));
        }

        Directory.Delete(work, recursive: true);
        store.Compact();
        var imageKeys = images.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal)!;
        Dictionary<string, List<RdCurvePoint>> curves = RdStore.Curves(store.Records.Where(r => codecs.Contains(r.Codec)), imageKeys!);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [EvcDeterministic] = $"EVC {model?.Architecture.Name} (deterministic)",
            [EvcOfficial] = $"EVC {model?.Architecture.Name} (official mode)",
        };
        foreach (ClassicalCodec c in ClassicalCodecs.All)
            labels[c.Name] = c.Label;
        List<BdEntry> bd = curves.ContainsKey(settings.Anchor) ? RdReport.BdTable(curves, settings.Anchor)
            : throw new ArgumentException($"the anchor {settings.Anchor} is not among the results: add it to --codecs or pick another --anchor");

        bool kodak = name.Equals("kodak", StringComparison.OrdinalIgnoreCase) && images.Length == 24;
        var published = kodak ? Published() : [];
        string title = $"{name}: {images.Length} images";
        File.WriteAllText(Path.Combine(output, "results.md"), RdReport.Markdown(title, curves, bd, settings.Anchor, labels)
            + (kodak ? "\nPublished EVC points (paper, Kodak) are drawn as dashed triangles for reference; they come from the released, fully trained models.\n" : ""));
        RdPlot.Save(Path.Combine(output, "rd-psnr.png"), $"{title} — RGB PSNR", "RGB PSNR (dB)",
            curves.Select(c => (labels.GetValueOrDefault(c.Key, c.Key), c.Value.Select(p => p.Bpp).ToArray(), c.Value.Select(p => p.RgbPsnr).ToArray())), published);
        RdPlot.Save(Path.Combine(output, "rd-msssim.png"), $"{title} — MS-SSIM", "MS-SSIM (dB, −10·log10(1 − MS-SSIM))",
            curves.Where(c => c.Value.All(p => double.IsFinite(p.MsSsimDb))).Select(c => (labels.GetValueOrDefault(c.Key, c.Key), c.Value.Select(p => p.Bpp).ToArray(), c.Value.Select(p => p.MsSsimDb).ToArray())));
        var summary = new { benchmark = "rd", dataset = name, images = images.Length, anchor = settings.Anchor, model = model?.Architecture.Name, bd, curves };
        File.WriteAllText(Path.Combine(output, "summary.json"), JsonSerializer.Serialize(summary, s_json));

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(summary, s_json));
            return 0;
        }
        var table = new Table().Title($"[bold]{Markup.Escape(title)}, BD-rate against {Markup.Escape(labels.GetValueOrDefault(settings.Anchor, settings.Anchor))}[/]")
            .AddColumn("codec").AddColumn(new TableColumn("BD-rate (PSNR)").RightAligned()).AddColumn(new TableColumn("BD-PSNR").RightAligned())
            .AddColumn(new TableColumn("BD-rate (MS-SSIM)").RightAligned()).AddColumn("note");
        foreach (BdEntry e in bd)
            table.AddRow(Markup.Escape(labels.GetValueOrDefault(e.Codec, e.Codec)), Pct(e.BdRateRgbPsnr), e.BdPsnr is double p ? $"{p:+0.00;-0.00} dB" : "—", Pct(e.BdRateMsSsim), Markup.Escape(e.Note ?? ""));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"results: {Markup.Escape(Path.Combine(output, "results.md"))}, rd-psnr.png, rd-msssim.png, summary.json");
        return 0;
    }

    private static string Pct(double? value) => value is double v ? $"{v:+0.0;-0.0} %" : "—";

    private static string[] Images(Settings settings, string output)
    {
        if (settings.Images is not null)
        {
            if (!Directory.Exists(settings.Images))
                throw new DirectoryNotFoundException($"image folder not found: {settings.Images}");
            string[] files = Directory.GetFiles(settings.Images, "*.png");
            Array.Sort(files, StringComparer.Ordinal);
            return files;
        }
        if (!File.Exists(settings.Video))
            throw new FileNotFoundException($"video not found: {settings.Video}", settings.Video);
        string frames = Path.Combine(output, "frames");
        Directory.CreateDirectory(frames);
        if (Directory.GetFiles(frames, "*.png").Length < settings.Frames)
            FFmpegProcess.Run($"-v error -y -i \"{settings.Video}\" -vf \"select=not(mod(n\\,{settings.FrameStep}))\" -fps_mode vfr -frames:v {settings.Frames} \"{Path.Combine(frames, "frame_%04d.png")}\"");
        string[] extracted = Directory.GetFiles(frames, "*.png");
        Array.Sort(extracted, StringComparer.Ordinal);
        return extracted;
    }

    private static RdRecord CodeEvc(EvcModel model, string image, (byte[] Rgb, int Width, int Height, PlanarImage Planar) original, string codec, string setting, double q)
    {
        var codecInstance = new ImageCodec(model, codec == EvcOfficial ? StreamMode.Official : StreamMode.Deterministic);  // cheap: the model holds the quantised networks
        using var scope = NewDisposeScope();
        Tensor x = ImageCodec.Pad(tensor(original.Planar.Data, new long[] { 1, 3, original.Height, original.Width }));
        long start = Stopwatch.GetTimestamp();
        byte[] bin = codecInstance.Compress(x, original.Height, original.Width, q, out _);
        double encode = Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        Tensor xHat = codecInstance.Decompress(bin, out int height, out int width);
        using Tensor cropped = xHat.narrow(2, 0, height).narrow(3, 0, width).contiguous().cpu();
        double decode = Stopwatch.GetElapsedTime(start).TotalSeconds;
        byte[] rgb = new PlanarImage(width, height, cropped.data<float>().ToArray()).ToRgb24();
        return Measure(image, original, codec, setting, q, bin.Length, rgb, encode, decode);
    }

    private static RdRecord CodeClassical(ClassicalCodec codec, string image, (byte[] Rgb, int Width, int Height, PlanarImage Planar) original, string setting, double parameter, string work)
    {
        string file = Path.Combine(work, $"{Path.GetFileNameWithoutExtension(image)}.{codec.Name}.{parameter.ToString(CultureInfo.InvariantCulture)}.{codec.Extension}");
        double encode = codec.Encode(image, file, parameter);
        long bytes = new FileInfo(file).Length;
        (byte[] rgb, double decode) = ClassicalCodec.Decode(file);
        File.Delete(file);
        if (rgb.Length != original.Rgb.Length)
            throw new InvalidOperationException($"{codec.Name} decoded {Path.GetFileName(image)} to {rgb.Length} bytes, expected {original.Rgb.Length}");
        return Measure(image, original, codec.Name, setting, parameter, bytes, rgb, encode, decode);
    }

    private static RdRecord Measure(string image, (byte[] Rgb, int Width, int Height, PlanarImage Planar) original, string codec, string setting, double parameter,
        long bytes, byte[] rgb, double encode, double decode)
    {
        YuvPsnr yuv = ImageMetrics.Bt709Psnr(original.Rgb, rgb);
        double msssim = Math.Min(original.Width, original.Height) > 160 ? ImageMetrics.MsSsim(original.Rgb, rgb, original.Width, original.Height) : double.NaN;
        return new RdRecord(Path.GetFileName(image), original.Width, original.Height, codec, setting, parameter, bytes, bytes * 8.0 / (original.Width * original.Height),
            PlanarImage.Psnr(original.Rgb, rgb), yuv.Y, yuv.U, yuv.V, yuv.Weighted, msssim, encode, decode);
    }

    private static List<(string Label, double[] Bpp, double[] Quality)> Published()
    {
        string? kit = ReferenceKit.Find(null);
        string path = kit is null ? "" : Path.GetFullPath(Path.Combine(kit, "..", "published-rd.json"));
        if (!File.Exists(path))
            return [];
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        var curves = new List<(string, double[], double[])>();
        foreach (JsonProperty curve in document.RootElement.GetProperty("curves").EnumerateObject())
        {
            double[] bpp = [.. curve.Value.GetProperty("bpp").EnumerateArray().Select(v => v.GetDouble())];
            double[] psnr = [.. curve.Value.GetProperty("PSNR").EnumerateArray().Select(v => v.GetDouble())];
            curves.Add(($"EVC paper {curve.Name} (published)", bpp, psnr));
        }
        return curves;
    }
}
