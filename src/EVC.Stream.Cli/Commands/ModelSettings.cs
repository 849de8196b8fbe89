using System.ComponentModel;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using Spectre.Console.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace EVC.Stream.Cli.Commands;

/// <summary>Options shared by every command that runs a model.</summary>
internal class ModelSettings : CommandSettings
{
    [CommandOption("--arch <ARCH>")]
    [Description("Architecture (EVC_LL … EVC_SS, Scale_EVC_SS, Scale_EVC_SL). Required for official checkpoints; read from our safetensors.")]
    public string? Arch { get; init; }

    [CommandOption("--weights <FILE>")]
    [Description("Official .pth.tar/.pth checkpoint or EVC.Stream .safetensors.")]
    public string? Weights { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description("cpu, cuda or auto (default: auto = cuda when available).")]
    public string Device { get; init; } = "auto";

    [CommandOption("--threads <N>")]
    [Description("CPU threads for the model. Default: all cores (streams of both modes decode identically with any thread count).")]
    public int? Threads { get; init; }

    public override Spectre.Console.ValidationResult Validate()
    {
        if (Weights is null)
            return Spectre.Console.ValidationResult.Error("--weights is required");
        if (Device is not ("cpu" or "cuda" or "auto"))
            return Spectre.Console.ValidationResult.Error("--device must be cpu, cuda or auto");
        if (Threads is < 1)
            return Spectre.Console.ValidationResult.Error("--threads must be at least 1");
        return Spectre.Console.ValidationResult.Success();
    }

    /// <summary>Loads the weights on the chosen device; threads as <c>--threads</c> says, else the default of <paramref name="mode"/>.</summary>
    public (EvcModel Model, Device Device) LoadModel(StreamMode mode = StreamMode.Official)
    {
        set_num_threads(Threads ?? DefaultThreads(mode));
        Device device = ModelDefaults.ChooseDevice(Device, "--device");
        EvcModel model = WeightsFile.Load(Weights!, Arch);
        model.to(device);
        model.DetachFromDisposeScopes();
        return (model, device);
    }

    /// <summary>
    /// Every core, in both modes: the entropy parameters are exact fixed point (deterministic) or the official float32
    /// summation order (official), neither of which depends on the thread count, so any count decodes any stream.
    /// </summary>
    public static int DefaultThreads(StreamMode mode) => Environment.ProcessorCount;
}
