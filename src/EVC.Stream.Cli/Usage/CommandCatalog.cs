using EVC.Stream.Cli.Commands;

namespace EVC.Stream.Cli.Usage;

/// <summary>
/// Every command path and the settings type that declares its options: what <see cref="OptionChecker"/> checks a
/// command line against. A test keeps it equal to the command tree of <see cref="Program.Configure"/>.
/// </summary>
internal static class CommandCatalog
{
    public static readonly IReadOnlyDictionary<string, Type> SettingsByCommand = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["capture"] = typeof(CaptureCommand.Settings),
        ["play"] = typeof(PlaybackSettings),
        ["decode"] = typeof(PlaybackSettings),
        ["info"] = typeof(InfoCommand.Settings),
        ["remux"] = typeof(RemuxCommand.Settings),
        ["train"] = typeof(TrainCommand.Settings),
        ["image encode"] = typeof(ImageEncodeCommand.Settings),
        ["image decode"] = typeof(ImageDecodeCommand.Settings),
        ["models import"] = typeof(ModelsImportCommand.Settings),
        ["models info"] = typeof(ModelsInfoCommand.Settings),
        ["bench determinism"] = typeof(DeterminismBenchCommand.Settings),
        ["bench modes"] = typeof(ModesBenchCommand.Settings),
        ["bench pipeline"] = typeof(PipelineBenchCommand.Settings),
        ["bench rd"] = typeof(RdBenchCommand.Settings),
        ["bench speed"] = typeof(SpeedBenchCommand.Settings),
        ["bench train"] = typeof(TrainBenchCommand.Settings),
        ["bench model"] = typeof(ModelBenchCommand.Settings),
        ["bench precision"] = typeof(PrecisionBenchCommand.Settings),
        ["bench entropy"] = typeof(EntropyBenchCommand.Settings),
        ["bench container"] = typeof(ContainerBenchCommand.Settings),
        ["bench network"] = typeof(NetworkBenchCommand.Settings),
    };

    /// <summary>The branches (command groups) that take a sub-command.</summary>
    public static readonly IReadOnlySet<string> Branches = new HashSet<string>(StringComparer.Ordinal) { "image", "models", "bench" };
}
