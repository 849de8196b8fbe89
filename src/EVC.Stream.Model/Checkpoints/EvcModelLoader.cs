using EVC.Stream.Model.Models;
using TorchSharp;

namespace EVC.Stream.Model.Checkpoints;

/// <summary>
/// Loads a model for coding: named weights (an official <c>.pth.tar</c> checkpoint or our <c>.safetensors</c>), or
/// the shipped default model, <c>models/default.safetensors</c> next to the executable (build, publish and the tool
/// package copy it there) or in a folder above the working directory.
/// </summary>
public static class EvcModelLoader
{
    /// <summary>The architecture the shipped default model and, unless told otherwise, official checkpoints have.</summary>
    public const string DefaultArchitecture = "EVC_SS";

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

    /// <summary>The shipped default model next to the executable or above the working directory, or null.</summary>
    public static string? FindDefault() => FindShipped(AppContext.BaseDirectory, Environment.CurrentDirectory);

    /// <summary>
    /// Loads <paramref name="weights"/>, or the shipped default model when it is null (see <see cref="FindDefault"/>),
    /// onto <paramref name="device"/>.
    /// </summary>
    /// <param name="weights">A checkpoint or safetensors file; null for the default model.</param>
    /// <param name="arch">The architecture, for official checkpoints.</param>
    /// <param name="device">Where the model runs.</param>
    /// <param name="fallbackArch">The architecture assumed for official checkpoints when none is given; null: it must be given.</param>
    /// <exception cref="ArgumentException">No weights named and no default model found.</exception>
    /// <exception cref="FileNotFoundException">The named weights do not exist.</exception>
    /// <exception cref="CheckpointMismatchException">The file is not an EVC checkpoint of that architecture.</exception>
    public static LoadedModel Load(string? weights, string? arch, ComputeDevice device, string? fallbackArch = DefaultArchitecture)
    {
        ArgumentNullException.ThrowIfNull(device);
        string? defaultPath = null;
        if (weights is null)
        {
            defaultPath = FindDefault()
                ?? throw new ArgumentException($"no --weights given and no default model found (looked for models/default.safetensors next to {AppContext.BaseDirectory} and above {Environment.CurrentDirectory}): pass --weights FILE (official .pth.tar or .safetensors)");
            weights = defaultPath;
        }
        else if (!File.Exists(weights))
            throw new FileNotFoundException($"--weights {weights}: file not found", weights);
        EvcModel model = WeightsFile.Load(weights, arch ?? (defaultPath is not null ? DefaultArchitecture : fallbackArch));
        model.to(device.Device);
        model.DetachFromDisposeScopes();
        return new LoadedModel(model, defaultPath);
    }
}
