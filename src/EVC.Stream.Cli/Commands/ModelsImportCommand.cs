namespace EVC.Stream.Cli.Commands;

/// <summary><c>evcstream models import X.pth.tar --arch A -o Y.safetensors</c>.</summary>
internal sealed class ModelsImportCommand : Command<ModelsImportCommand.Settings>
{
    public sealed class Settings : OverwriteSettings
    {
        [CommandArgument(0, "<CHECKPOINT>")]
        [Description("Official .pth.tar/.pth checkpoint.")]
        public string Checkpoint { get; init; } = "";

        [CommandOption("--arch <ARCH>")]
        [Description("Architecture of the checkpoint.")]
        public string? Arch { get; init; }

        [CommandOption("--fp16")]
        [Description("Store float16 weights (half the size; how shipped models are stored).")]
        public bool Fp16 { get; init; }

        [CommandOption("-o|--output <FILE>")]
        [Description("Output .safetensors.")]
        public string? Output { get; init; }

        public override ValidationResult Validate() =>
            Arch is null ? ValidationResult.Error("--arch is required")
            : Output is null ? ValidationResult.Error("-o FILE.safetensors is required")
            : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Usage.OutputGuard.Check(settings.Output, settings.Overwrite);
        EvcModel model = WeightsFile.Load(settings.Checkpoint, settings.Arch);
        Usage.OutputGuard.WriteAtomically(settings.Output!, temporary => WeightsFile.Save(model, temporary, settings.Fp16));
        AnsiConsole.MarkupLine($"{Markup.Escape(settings.Output!)}: {model.Architecture.Name}, {WeightsFile.ParameterCount(model):N0} parameters, sha256 {WeightsFile.Hash(model)}");
        return 0;
    }
}
