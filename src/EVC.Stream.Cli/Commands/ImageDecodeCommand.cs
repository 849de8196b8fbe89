using EVC.Stream.Media;
using EVC.Stream.Model;
using EVC.Stream.Imaging;

namespace EVC.Stream.Cli.Commands;

/// <summary><c>evcstream image decode IN.bin -o OUT.png</c>: an EVC <c>.bin</c> of either mode to the PNG the official code saves.</summary>
internal sealed class ImageDecodeCommand : Command<ImageDecodeCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandArgument(0, "<IN>")]
        [Description("Input .bin.")]
        public string Input { get; init; } = "";

        [CommandOption("-o|--output <OUT>")]
        [Description("Output PNG.")]
        public string? Output { get; init; }

        public override ValidationResult Validate() => Output is null ? ValidationResult.Error("-o OUT.png is required") : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!File.Exists(settings.Input))
            throw new FileNotFoundException($"input bitstream not found: {settings.Input}", settings.Input);
        byte[] bin = File.ReadAllBytes(settings.Input);
        StreamMode mode = BinFile.ReadWithMode(bin).Mode;  // fail on a damaged header before loading the model
        OutputGuard.Check(settings.Output, settings.Overwrite);
        LoadedModel loaded = settings.LoadModel(mode);
        if (loaded.Label.Length > 0)
            Console.Error.WriteLine(loaded.Label);
        var codec = new EvcImageCodec(loaded.Model, mode, settings.ParsedPrecision);
        PlanarImage decoded = codec.Decode(bin);
        int width = decoded.Width, height = decoded.Height;
        OutputGuard.WriteAtomically(settings.Output!, decoded.SavePng);
        AnsiConsole.MarkupLine($"{Markup.Escape(settings.Output!)}: {width}x{height}, {PrecisionChoice.Name(codec.Precision)}");
        return 0;
    }
}
