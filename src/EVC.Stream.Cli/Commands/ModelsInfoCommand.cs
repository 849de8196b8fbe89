namespace EVC.Stream.Cli.Commands;

/// <summary><c>evcstream models info Y</c>.</summary>
internal sealed class ModelsInfoCommand : Command<ModelsInfoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<WEIGHTS>")]
        [Description("EVC.Stream .safetensors (or an official checkpoint with --arch).")]
        public string Weights { get; init; } = "";

        [CommandOption("--arch <ARCH>")]
        [Description("Architecture, for official checkpoints.")]
        public string? Arch { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        EvcModel model = WeightsFile.Load(settings.Weights, settings.Arch);
        var table = new Table().AddColumn("property").AddColumn("value");
        table.AddRow("architecture", model.Architecture.Name);
        table.AddRow("parameters", WeightsFile.ParameterCount(model).ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("weights sha256", WeightsFile.Hash(model));
        table.AddRow("MACs per pixel", $"{Complexity.MacsPerPixel(model) / 1000:F1} K (encode + decode, all networks)");
        for (int i = 0; i < EvcArchitecture.AnchorCount; i++)
        {
            double anchor = Quality.FromRateIndex(i).Resolve(model);
            (double qUsed, int qIndex) = QScale.Round(anchor);
            table.AddRow($"rate anchor {i}", $"q_scale {anchor:G9} → q_index {qIndex} ({qUsed})");
        }
        AnsiConsole.Write(table);
        return 0;
    }
}
