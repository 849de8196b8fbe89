namespace EVC.Stream.Cli.Commands;

/// <summary>Options shared by every command that runs a model on single images.</summary>
internal class ModelSettings : OverwriteSettings
{
    [CommandOption("--arch <ARCH>")]
    [Description("Architecture (EVC_LL … EVC_SS, Scale_EVC_SS, Scale_EVC_SL). Required for official checkpoints; read from our safetensors.")]
    public string? Arch { get; init; }

    [CommandOption("--weights <FILE>")]
    [Description("Official .pth.tar/.pth checkpoint or EVC.Stream .safetensors. Default: the shipped default model (models/default.safetensors next to evcstream or in the repository).")]
    public string? Weights { get; init; }

    [CommandOption("--device-type <TYPE>")]
    [Description("cpu, cuda or auto (default: auto = cuda when available).")]
    public string DeviceType { get; init; } = "auto";

    [CommandOption("--precision <P>")]
    [Description(PrecisionOption.Description)]
    public string Precision { get; init; } = "auto";

    [CommandOption("--threads <N>")]
    [Description("CPU threads for the model. Default: all cores.")]
    public int? Threads { get; init; }

    public override Spectre.Console.ValidationResult Validate()
    {
        if (DeviceType is not ("cpu" or "cuda" or "auto"))
            return Spectre.Console.ValidationResult.Error("--device-type must be cpu, cuda or auto");
        if (Threads is < 1 or > 1024)
            return Spectre.Console.ValidationResult.Error("--threads must be 1..1024");
        if (PrecisionOption.Validate(Precision) is { Successful: false } badPrecision)
            return badPrecision;
        return base.Validate();
    }

    /// <summary>Loads the weights (or the default model) on the chosen device; threads as <c>--threads</c> says, else every core.</summary>
    public LoadedModel LoadModel(StreamMode mode = StreamMode.Official)
    {
        ComputeDevice.SetThreads(Threads ?? DefaultThreads(mode));
        return EvcModelLoader.Load(Weights, Arch, ComputeDevice.Choose(DeviceType), fallbackArch: null);
    }

    /// <summary>
    /// Every core, in both modes: the entropy parameters are exact fixed point (deterministic) or the official float32
    /// summation order (official), neither of which depends on the thread count, so any count decodes any stream.
    /// </summary>
    public static int DefaultThreads(StreamMode mode) => Environment.ProcessorCount;

    /// <summary>The parsed <c>--precision</c>.</summary>
    public Precision ParsedPrecision => PrecisionOption.Parse(Precision);
}
