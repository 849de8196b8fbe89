using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// The bench commands' way to <see cref="EvcModelLoader"/> and <see cref="ComputeDevice"/>: kept here, with the
/// bench code, until the bench commands move to their own project and call the loader themselves.
/// </summary>
internal static class ModelDefaults
{
    /// <summary>See <see cref="EvcModelLoader.FindShipped"/>.</summary>
    public static string? FindShipped(params string[] startFolders) => EvcModelLoader.FindShipped(startFolders);

    /// <summary>See <see cref="ComputeDevice.Choose"/>.</summary>
    public static Device ChooseDevice(string type, string option = "--device-type") => ComputeDevice.Choose(type, option).Device;

    /// <summary>See <see cref="EvcModelLoader.Load"/>; the label is empty when weights were given.</summary>
    public static (EvcModel Model, string Label) Load(string? weights, string? arch, Device device, string? fallbackArch = EvcModelLoader.DefaultArchitecture)
    {
        ComputeDevice target = device.type == TorchSharp.DeviceType.CPU ? ComputeDevice.Cpu : ComputeDevice.Choose("cuda");
        LoadedModel loaded = EvcModelLoader.Load(weights, arch, target, fallbackArch);
        return (loaded.Model, loaded.Label);
    }
}
