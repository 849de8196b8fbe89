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

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        (int width, int height) = SizeOption.Parse(settings.Size);
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
        ComputeDevice encodeDevice = ComputeDevice.Choose(settings.EncodeDevice, "--encode-device");
        ComputeDevice decodeDevice = ComputeDevice.Choose(settings.DecodeDevice, "--decode-device");
        List<float[]> crops = DeterminismBenchmark.LoadCrops(images, settings.Count, width, height);

        EvcModel encoderModel = EvcModelLoader.Load(settings.Weights, settings.Arch, encodeDevice).Model;
        EvcModel decoderModel = settings.DecodeDevice == settings.EncodeDevice ? encoderModel : EvcModelLoader.Load(settings.Weights, settings.Arch, decodeDevice).Model;
        Quality quality = QualityOption.Parse(settings.Quality);
        IProgress<string>? progress = settings.Json ? null : new CallbackProgress<string>(line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}…[/]"));
        DeterminismBenchmarkResult outcome = DeterminismBenchmark.Run(new DeterminismBenchmarkOptions
        {
            EncoderModel = encoderModel,
            DecoderModel = decoderModel,
            Crops = crops,
            Width = width,
            Height = height,
            Quality = quality,
            Modes = modes,
        }, progress, cancellationToken);
        List<DeterminismSettingResult> results = outcome.Results;

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { benchmark = "determinism", encode_device = settings.EncodeDevice, decode_device = settings.DecodeDevice, frames = crops.Count, frame = $"{width}x{height}", rate_index = quality.RateIndex, q_scale = outcome.QScale, results }, JsonOutput.Options));
            return 0;
        }
        foreach (StreamMode mode in modes)
        {
            string name = mode.ToString().ToLowerInvariant();
            var table = new Table().Title($"[bold]{name} mode, {crops.Count} frames of {width}x{height}, q_scale {outcome.QScale}, encoded on {settings.EncodeDevice}, decoded on {settings.DecodeDevice}[/]")
                .AddColumn("encoded with").AddColumn(new TableColumn("indexes ≠ batch 1, 1 thread").RightAligned())
                .AddColumn("decoded with").AddColumn(new TableColumn("frames exact").RightAligned())
                .AddColumn(new TableColumn("frames broken").RightAligned()).AddColumn(new TableColumn("decoder index ≠ encoder").RightAligned());
            foreach (DeterminismSettingResult r in results)
            {
                if (r.Mode == name)
                    table.AddRow(r.Setting, $"{r.IndexesDifferingFromReference}", $"batch 1, {r.DecodedWithThreads} thread(s)", $"{r.FramesDecodedExactly}", $"{r.FramesDesynchronised}", $"{r.DecoderIndexDifferences}");
            }
            AnsiConsole.Write(table);
        }
        return 0;
    }
}
