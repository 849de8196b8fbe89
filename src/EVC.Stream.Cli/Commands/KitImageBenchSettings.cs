namespace EVC.Stream.Cli.Commands;

/// <summary>Options of the benchmarks that run the reference kit's model (or given weights) over a folder of images.</summary>
internal class KitImageBenchSettings : CommandSettings
{
    [CommandOption("--images <DIR>")]
    [Description("PNG folder (default: ../shared/datasets/kodak).")]
    public string? Images { get; init; }

    [CommandOption("--weights <FILE>")]
    [Description("Weights (default: the shipped default model).")]
    public string? Weights { get; init; }

    [CommandOption("--arch <ARCH>")]
    [Description("Architecture for official checkpoints. Default EVC_SS.")]
    public string Arch { get; init; } = "EVC_SS";

    [CommandOption("--json")]
    [Description("Print JSON.")]
    public bool Json { get; init; }
}
