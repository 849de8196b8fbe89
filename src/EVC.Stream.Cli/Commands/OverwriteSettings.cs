namespace EVC.Stream.Cli.Commands;

/// <summary>-y / -n of every command that writes a file, as in ffmpeg (here -n is the default).</summary>
internal class OverwriteSettings : CommandSettings
{
    [CommandOption("-y|--overwrite")]
    [Description("Overwrite existing output files.")]
    public bool Overwrite { get; init; }

    [CommandOption("-n|--no-overwrite")]
    [Description("Never overwrite existing output files (the default).")]
    public bool NoOverwrite { get; init; }

    public override ValidationResult Validate() =>
        Overwrite && NoOverwrite ? ValidationResult.Error("give -y (overwrite) or -n (never overwrite), not both") : ValidationResult.Success();
}
