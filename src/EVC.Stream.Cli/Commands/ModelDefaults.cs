using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace EVC.Stream.Cli.Commands;

/// <summary>The model the pipeline commands use when no --weights is given, and device selection.</summary>
internal static class ModelDefaults
{
    /// <summary>The shipped default model: <c>models/default.safetensors</c> in any folder above the given ones, or null.</summary>
    public static string? FindShipped(params string[] startFolders)
    {
        ArgumentNullException.ThrowIfNull(startFolders);
        foreach (string start in startFolders)
        {
            for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, "models", "default.safetensors");
                if (File.Exists(candidate))
                    return candidate;
            }
        }
        return null;
    }

    /// <summary>cpu, cuda or auto; <paramref name="option"/> names the option in the error.</summary>
    public static Device ChooseDevice(string type, string option = "--device-type") => type switch
    {
        "cpu" => CPU,
        "cuda" => cuda.is_available() ? CUDA : throw new ArgumentException($"{option} cuda: no CUDA device is available (build with -p:TorchBackend=cuda, or put a CUDA libtorch 2.10 on LD_LIBRARY_PATH: docs/gpu.md)"),
        "auto" => cuda.is_available() ? CUDA : CPU,
        _ => throw new ArgumentException($"{option} must be cpu, cuda or auto (got '{type}')"),
    };

    /// <summary>
    /// Loads <paramref name="weights"/>, or the shipped default model (<c>models/default.safetensors</c> next to the
    /// binary — copied there by build, publish and the tool package — or in a folder above the working directory, see
    /// <see cref="FindShipped"/>). Returns a start-up line naming the model used (empty when weights were given).
    /// </summary>
    /// <param name="weights">A checkpoint or safetensors file; null for the default model.</param>
    /// <param name="arch">The architecture, for official checkpoints.</param>
    /// <param name="device">Where the model runs.</param>
    /// <param name="fallbackArch">The architecture assumed for official checkpoints when none is given; null: it must be given.</param>
    public static (EvcModel Model, string Label) Load(string? weights, string? arch, Device device, string? fallbackArch = "EVC_SS")
    {
        string label = "";
        if (weights is null)
        {
            weights = FindShipped(AppContext.BaseDirectory, Environment.CurrentDirectory)
                ?? throw new Usage.UsageException($"no --weights given and no default model found (looked for models/default.safetensors next to {AppContext.BaseDirectory} and above {Environment.CurrentDirectory}): pass --weights FILE (official .pth.tar or .safetensors)");
            label = $"default model: {weights}";
        }
        else if (!File.Exists(weights))
            throw new FileNotFoundException($"--weights {weights}: file not found", weights);
        EvcModel model = WeightsFile.Load(weights, arch ?? (label.Length > 0 ? "EVC_SS" : fallbackArch));
        model.to(device);
        model.DetachFromDisposeScopes();
        return (model, label);
    }
}
