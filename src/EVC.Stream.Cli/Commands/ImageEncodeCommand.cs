using EVC.Stream.Media;
using EVC.Stream.Model;
using EVC.Stream.Imaging;

namespace EVC.Stream.Cli.Commands;

/// <summary><c>evcstream image encode IN.png -o OUT.bin</c>: one image to an EVC <c>.bin</c> (official, or deterministic mode).</summary>
internal sealed class ImageEncodeCommand : Command<ImageEncodeCommand.Settings>
{
    /// <summary>Largest picture side accepted (the .bin stores 32-bit sizes; memory is the real limit).</summary>
    public const int MaxSide = 16384;

    public sealed class Settings : ModelSettings
    {
        [CommandArgument(0, "<IN>")]
        [Description("Input image (PNG).")]
        public string Input { get; init; } = "";

        [CommandOption("-o|--output <OUT>")]
        [Description("Output .bin.")]
        public string? Output { get; init; }

        [CommandOption("-q|--quality <Q>")]
        [Description("A rate index 0..3 of the model's anchors (0 = lowest rate), or a q_scale such as 1.5. Default: rate index 1.")]
        public string? Quality { get; init; }

        [CommandOption("--encoder-level <L>")]
        [Description("Scalable-encoder models: encoder level 0..3 (lower is faster), or auto (the lowest RD cost, as the official scalable encoder chooses). Default: the highest.")]
        public string? EncoderLevel { get; init; }

        [CommandOption("--estimate")]
        [Description("Only print the estimated bpp (no entropy coding, nothing written).")]
        public bool Estimate { get; init; }

        [CommandOption("--deterministic")]
        [Description("Deterministic stream mode: entropy parameters in exact fixed point, so the .bin decodes to the same symbols on any device, batch and thread count (pixels: within one level, docs/determinism.md) (an EVCD-prefixed .bin; the official code cannot read it). Default: the official .bin.")]
        public bool Deterministic { get; init; }

        public override ValidationResult Validate()
        {
            if (Output is null && !Estimate)
                return ValidationResult.Error("-o OUT.bin is required");
            if (QualityOption.Validate(Quality) is string badQuality)
                return ValidationResult.Error(badQuality);
            if (EncoderLevel is not null and not "auto" && !(int.TryParse(EncoderLevel, out int level) && level is >= 0 and <= 15))
                return ValidationResult.Error("--encoder-level must be 0..3 or auto");
            return base.Validate();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Input))
            throw new FileNotFoundException($"input image not found: {settings.Input}", settings.Input);
        if (!settings.Estimate)
            OutputGuard.Check(settings.Output, settings.Overwrite);
        PlanarImage image = PlanarImage.LoadPng(settings.Input);
        if (image.Width > MaxSide || image.Height > MaxSide)
            throw new ArgumentException($"image too large: {image.Width}x{image.Height} (at most {MaxSide} per side)");
        Limits.CheckFrame(image.Width, image.Height, 1, settings.Input);
        StreamMode mode = settings.Deterministic ? StreamMode.Deterministic : StreamMode.Official;
        LoadedModel loaded = settings.LoadModel(mode);
        EvcModel model = loaded.Model;
        if (loaded.Label.Length > 0)
            Console.Error.WriteLine(loaded.Label);
        Quality quality = QualityOption.Parse(settings.Quality);
        var codec = new EvcImageCodec(model, mode, settings.ParsedPrecision);
        int level = settings.EncoderLevel switch
        {
            null => -1,
            "auto" => codec.ChooseEncoderLevel(image, quality),
            string text => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) < model.EncoderLevels
                ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture)
                : throw new ArgumentException($"--encoder-level {text}: {model.Architecture.Name} has {model.EncoderLevels} encoder level(s)"),
        };
        if (settings.Estimate)
        {
            double bpp = codec.EstimateBitsPerPixel(image, quality, level);
            AnsiConsole.MarkupLine($"estimated {bpp:F4} bpp (padded {EvcImageCodec.PaddedSize(image.Width)}x{EvcImageCodec.PaddedSize(image.Height)}, payload only)");
            return 0;
        }
        byte[] bin = codec.Encode(image, quality, level);
        OutputGuard.WriteAtomically(settings.Output!, temporary => File.WriteAllBytes(temporary, bin));
        (double qUsed, int qIndex) = QScale.Round(quality.Resolve(model));
        AnsiConsole.MarkupLine($"{Markup.Escape(settings.Output!)}: {bin.Length:N0} bytes, {bin.Length * 8.0 / (image.Width * image.Height):F4} bpp, q_scale {qUsed} (q_index {qIndex}), {mode.ToString().ToLowerInvariant()} mode, {PrecisionChoice.Name(codec.Precision)}");
        return 0;
    }
}
