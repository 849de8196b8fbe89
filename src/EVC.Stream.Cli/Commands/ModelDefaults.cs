using EVC.Stream.Cli.Benchmarks;
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
    /// Loads <paramref name="weights"/>, or the shipped default model (<c>models/default.safetensors</c>, see
    /// <see cref="FindShipped"/>); without one (a copy of the tool outside the repository) the reference kit's EVC_SS
    /// conformance checkpoint stands in (briefly trained, about 18 dB on Kodak). Returns a start-up line naming the
    /// model used (empty when weights were given).
    /// </summary>
    public static (EvcModel Model, string Label) Load(string? weights, string? arch, Device device)
    {
        string label = "";
        if (weights is null && FindShipped(AppContext.BaseDirectory, Environment.CurrentDirectory) is string shipped)
        {
            weights = shipped;  // the trained default model shipped in the repository (models/default.safetensors)
            label = $"default model: {shipped} (trained with evcstream train; its RD is in README.md)";
        }
        else if (weights is null)
        {
            string kit = ReferenceKit.Find(null) ?? throw new ArgumentException("no --weights given and no default model found: pass --weights FILE (official .pth.tar or .safetensors)");
            weights = Path.Combine(kit, "checkpoints", "EVC_SS.pth.tar");
            arch ??= "EVC_SS";
            label = $"PLACEHOLDER MODEL: no --weights given, using the reference kit's EVC_SS conformance checkpoint ({weights}); it is barely trained (~18 dB PSNR), so expect poor pictures until a trained default model ships";
        }
        EvcModel model = WeightsFile.Load(weights, arch ?? "EVC_SS");
        model.to(device);
        model.DetachFromDisposeScopes();
        return (model, label);
    }
}
