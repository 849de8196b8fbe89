using EVC.Stream.Imaging;
using EVC.Stream.Media.Video;

namespace EVC.Stream.Evaluation;

/// <summary>
/// An RD run over a folder of images (or frames of a clip) with any <see cref="IRdCodec"/>s: plans one job per image,
/// codec and setting; skips those already in <c>results.jsonl</c> (a rerun with the same output folder resumes);
/// codes the rest, storing each result as it finishes; then writes <c>results.md</c>, <c>summary.json</c> and the RD
/// plots with BD-rates against an anchor codec.
/// </summary>
public sealed class RdRunner
{
    private readonly RdRunOptions _options;
    private readonly RdStore _store;

    private RdRunner(RdRunOptions options, string dataset, string output, string[] images, List<RdJob> jobs)
    {
        _options = options;
        Dataset = dataset;
        Output = output;
        Images = images;
        Jobs = jobs;
        _store = new RdStore(Path.Combine(output, "results.jsonl"));
        Pending = [.. jobs.Where(j => !_store.Contains(j.ImageName, j.Codec.Name, j.Setting.Name))];
    }

    /// <summary>The name of the image folder or clip.</summary>
    public string Dataset { get; }

    /// <summary>The results folder.</summary>
    public string Output { get; }

    /// <summary>The images (PNG paths), sorted by name.</summary>
    public IReadOnlyList<string> Images { get; }

    /// <summary>Every coding of the run.</summary>
    public IReadOnlyList<RdJob> Jobs { get; }

    /// <summary>The codings not yet in <c>results.jsonl</c>.</summary>
    public IReadOnlyList<RdJob> Pending { get; }

    /// <summary>Finds the images (extracting frames of a clip into the output folder) and plans the jobs.</summary>
    /// <exception cref="ArgumentException">No images, or neither or both of images and video.</exception>
    public static RdRunner Plan(RdRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((options.Images is null) == (options.Video is null))
            throw new ArgumentException("give --images DIR or --video FILE");
        FFmpegTool.Require();
        string dataset = options.Images is not null ? Path.GetFileName(Path.GetFullPath(options.Images).TrimEnd('/')) : Path.GetFileNameWithoutExtension(options.Video!);
        string output = Path.GetFullPath(options.Output ?? Path.Combine("bench-rd", dataset));
        Directory.CreateDirectory(output);
        string[] images = FindImages(options, output);
        if (options.Count is int count)
            images = images[..Math.Min(count, images.Length)];
        if (images.Length == 0)
            throw new ArgumentException("no PNG images found");

        var jobs = new List<RdJob>();
        foreach (string image in images)
        {
            foreach (IRdCodec codec in options.Codecs)
            {
                foreach (RdSetting setting in codec.Sweep)
                    jobs.Add(new RdJob(image, codec, setting));
            }
        }
        return new RdRunner(options, dataset, output, images, jobs);
    }

    /// <summary>
    /// Codes the pending jobs, storing each result as it finishes: codecs that use every core one image at a time,
    /// then the others in parallel. <paramref name="progress"/> hears of each job done.
    /// </summary>
    public void Run(IProgress<RdJob>? progress, CancellationToken cancellationToken)
    {
        if (Pending.Count == 0)
            return;
        var originals = Images.ToDictionary(image => image, RdImage.Load, StringComparer.Ordinal);
        string work = Directory.CreateTempSubdirectory("evc-bench-rd-").FullName;  // bitstreams live only until measured
        try
        {
            foreach (RdJob job in Pending.Where(j => !j.Codec.CodesInParallel))
            {
                cancellationToken.ThrowIfCancellationRequested();
                _store.Add(Code(job, originals[job.Image], work));
                progress?.Report(job);
            }
            Parallel.ForEach(Pending.Where(j => j.Codec.CodesInParallel),
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount), CancellationToken = cancellationToken }, job =>
                {
                    _store.Add(Code(job, originals[job.Image], work));
                    progress?.Report(job);
                });
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// Compacts <c>results.jsonl</c> and writes <c>results.md</c>, <c>rd-psnr.png</c>, <c>rd-msssim.png</c> and
    /// <c>summary.json</c>; <paramref name="published"/> curves are drawn dashed on the PSNR plot and
    /// <paramref name="publishedNote"/> (when given) closes the markdown.
    /// </summary>
    /// <exception cref="ArgumentException">The anchor codec has no results.</exception>
    public RdRunReport Report(IReadOnlyList<RdReferenceCurve> published, string? publishedNote)
    {
        ArgumentNullException.ThrowIfNull(published);
        _store.Compact();
        var names = _options.Codecs.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var imageKeys = Images.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        Dictionary<string, List<RdCurvePoint>> curves = RdStore.Curves(_store.Records.Where(r => names.Contains(r.Codec)), imageKeys!);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (IRdCodec codec in _options.Codecs)
            labels[codec.Name] = codec.Label;
        string anchor = _options.Anchor;
        List<BdEntry> bd = curves.ContainsKey(anchor) ? RdReport.BdTable(curves, anchor)
            : throw new ArgumentException($"the anchor {anchor} is not among the results: add it to --codecs or pick another --anchor");

        string title = $"{Dataset}: {Images.Count} images";
        string markdown = Path.Combine(Output, "results.md");
        File.WriteAllText(markdown, RdReport.Markdown(title, curves, bd, anchor, labels) + (publishedNote is null ? "" : $"\n{publishedNote}\n"));
        RdPlot.Save(Path.Combine(Output, "rd-psnr.png"), $"{title} — RGB PSNR", "RGB PSNR (dB)",
            curves.Select(c => (labels.GetValueOrDefault(c.Key, c.Key), c.Value.Select(p => p.Bpp).ToArray(), c.Value.Select(p => p.RgbPsnr).ToArray())),
            [.. published.Select(p => (p.Label, p.Bpp, p.Psnr))]);
        RdPlot.Save(Path.Combine(Output, "rd-msssim.png"), $"{title} — MS-SSIM", "MS-SSIM (dB, −10·log10(1 − MS-SSIM))",
            curves.Where(c => c.Value.All(p => double.IsFinite(p.MsSsimDb))).Select(c => (labels.GetValueOrDefault(c.Key, c.Key), c.Value.Select(p => p.Bpp).ToArray(), c.Value.Select(p => p.MsSsimDb).ToArray())));
        var summary = new RdSummary("rd", Dataset, Images.Count, anchor, _options.ModelName, bd, curves);
        File.WriteAllText(Path.Combine(Output, "summary.json"), summary.ToJson());
        return new RdRunReport(title, summary, labels, markdown);
    }

    private static string[] FindImages(RdRunOptions options, string output)
    {
        if (options.Images is not null)
        {
            if (!Directory.Exists(options.Images))
                throw new DirectoryNotFoundException($"image folder not found: {options.Images}");
            string[] files = Directory.GetFiles(options.Images, "*.png");
            Array.Sort(files, StringComparer.Ordinal);
            return files;
        }
        if (!File.Exists(options.Video))
            throw new FileNotFoundException($"video not found: {options.Video}", options.Video);
        string frames = Path.Combine(output, "frames");
        Directory.CreateDirectory(frames);
        if (Directory.GetFiles(frames, "*.png").Length < options.Frames)
            FFmpegProcess.Run($"-v error -y -i \"{options.Video}\" -vf \"select=not(mod(n\\,{options.FrameStep}))\" -fps_mode vfr -frames:v {options.Frames} \"{Path.Combine(frames, "frame_%04d.png")}\"");
        string[] extracted = Directory.GetFiles(frames, "*.png");
        Array.Sort(extracted, StringComparer.Ordinal);
        return extracted;
    }

    private static RdRecord Code(RdJob job, RdImage original, string work)
    {
        RdCoding coding = job.Codec.Code(original, job.Setting, work);
        if (coding.Rgb.Length != original.Rgb.Length)
            throw new InvalidOperationException($"{job.Codec.Name} decoded {original.Name} to {coding.Rgb.Length} bytes, expected {original.Rgb.Length}");
        YuvPsnr yuv = ImageMetrics.Bt709Psnr(original.Rgb, coding.Rgb);
        double msssim = Math.Min(original.Width, original.Height) > 160 ? ImageMetrics.MsSsim(original.Rgb, coding.Rgb, original.Width, original.Height) : double.NaN;
        return new RdRecord(original.Name, original.Width, original.Height, job.Codec.Name, job.Setting.Name, job.Setting.Parameter, coding.Bytes,
            coding.Bytes * 8.0 / (original.Width * original.Height), PlanarImage.Psnr(original.Rgb, coding.Rgb), yuv.Y, yuv.U, yuv.V, yuv.Weighted, msssim,
            coding.EncodeSeconds, coding.DecodeSeconds);
    }
}
