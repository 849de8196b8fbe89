using System.Globalization;
using System.Security.Cryptography;
using EVC.Stream.Model.Models;
using EVC.Stream.Safetensors;

namespace EVC.Stream.Model.Checkpoints;

/// <summary>
/// Weights on disk: official PyTorch checkpoints (<c>.pth.tar</c>/<c>.pth</c>) and our own format, safetensors with
/// metadata <c>format</c> = <c>evc.stream/1</c>, <c>arch</c> and <c>weights_sha256</c> (SHA-256 of every parameter's
/// little-endian float32 bytes, in sorted name order — the hash a stream's header names).
/// </summary>
public static class WeightsFile
{
    /// <summary>The <c>format</c> metadata value of our safetensors files.</summary>
    public const string Format = "evc.stream/1";

    /// <summary>
    /// Loads weights into a new model. <paramref name="architecture"/> may be null for our safetensors (taken from the
    /// metadata); for official checkpoints it is required.
    /// </summary>
    /// <exception cref="CheckpointMismatchException">The weights do not fit the architecture.</exception>
    public static EvcModel Load(string path, string? architecture)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"weights not found: {path}", path);
        if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
        {
            if (architecture is null)
                throw new ArgumentException($"{Path.GetFileName(path)} is an official checkpoint: name its architecture with --arch");
            EvcArchitecture official = EvcArchitecture.Get(architecture);
            try
            {
                return CheckpointLoader.LoadOfficial(path, official);
            }
            catch (Exception e) when (e is not (CheckpointMismatchException or IOException or UnauthorizedAccessException or OperationCanceledException or OutOfMemoryException))
            {
                // A pickle this loader cannot read (another framework's file, random bytes): one clear sentence.
                string reason = e.Message.Split('\n', 2)[0].Trim();
                throw new CheckpointMismatchException($"not an EVC checkpoint: {path} ({e.GetType().Name}{(reason.Length > 0 ? ": " + reason : "")})", e);
            }
        }

        SafetensorsFile file = SafetensorsFile.Load(path);
        string? stored = file.Metadata.GetValueOrDefault("arch");
        if (architecture is not null && stored is not null && stored != architecture)
            throw new CheckpointMismatchException($"{Path.GetFileName(path)} holds {stored} weights, not {architecture}");
        string arch = architecture ?? stored ?? throw new ArgumentException($"{Path.GetFileName(path)} does not name its architecture: pass --arch");
        var model = new EvcModel(EvcArchitecture.Get(arch));
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach ((string name, SafetensorsEntry entry) in file.Entries)
            {
                tensors[name] = entry.DType switch
                {
                    SafetensorsDType.F32 => tensor(file.GetFloat32(name), entry.Shape),
                    SafetensorsDType.F16 => tensor(HalfToSingle(file.GetBytes(name)), entry.Shape),
                    _ => throw new CheckpointMismatchException($"{name} is {entry.DType}; EVC.Stream weights are F32 or F16"),
                };
            }
            CheckpointLoader.Load(model, tensors, Path.GetFileName(path));
        }
        finally
        {
            foreach (Tensor t in tensors.Values)
                t.Dispose();
        }
        string? expectedHash = file.Metadata.GetValueOrDefault("weights_sha256");
        if (expectedHash is not null && !string.Equals(expectedHash, Hash(model), StringComparison.OrdinalIgnoreCase))
            throw new CheckpointMismatchException($"{Path.GetFileName(path)} is damaged: its weights do not match the SHA-256 in its metadata");
        return model;
    }

    /// <summary>Saves a model's weights in our safetensors format (float32).</summary>
    public static void Save(EvcModel model, string path) => Save(model, path, halfPrecision: false);

    /// <summary>
    /// Saves a model's weights in our safetensors format; <paramref name="halfPrecision"/> stores float16 (half the
    /// size, for shipped models). The weights hash is then that of the float16 values as they load back.
    /// </summary>
    public static void Save(EvcModel model, string path, bool halfPrecision)
    {
        ArgumentNullException.ThrowIfNull(model);
        var entries = new List<(string Name, long[] Shape, float[] Values)>();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in model.named_parameters().OrderBy(p => p.name, StringComparer.Ordinal))
        {
            using Tensor values = parameter.detach().cpu().contiguous();
            float[] data = values.data<float>().ToArray();
            if (halfPrecision)
            {
                for (int i = 0; i < data.Length; i++)
                    data[i] = (float)(Half)data[i];
            }
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
            entries.Add((name, values.shape, data));
        }
        var writer = new SafetensorsWriter()
            .AddMetadata("format", Format)
            .AddMetadata("arch", model.Architecture.Name)
            .AddMetadata("weights_sha256", Convert.ToHexStringLower(sha.GetHashAndReset()))
            .AddMetadata("parameters", ParameterCount(model).ToString(CultureInfo.InvariantCulture));
        foreach ((string name, long[] shape, float[] data) in entries)
        {
            if (halfPrecision)
            {
                var half = new Half[data.Length];
                for (int i = 0; i < data.Length; i++)
                    half[i] = (Half)data[i];
                writer.Add<Half>(name, SafetensorsDType.F16, shape, half);
            }
            else
                writer.Add<float>(name, SafetensorsDType.F32, shape, data);
        }
        writer.Save(path);
    }

    private static float[] HalfToSingle(ReadOnlySpan<byte> bytes)
    {
        ReadOnlySpan<Half> half = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes);
        var values = new float[half.Length];
        for (int i = 0; i < half.Length; i++)
            values[i] = (float)half[i];
        return values;
    }

    /// <summary>SHA-256 of every parameter's float32 bytes in sorted name order, lower-case hex.</summary>
    public static string Hash(EvcModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in model.named_parameters().OrderBy(p => p.name, StringComparer.Ordinal))
        {
            using Tensor values = parameter.detach().cpu().contiguous();
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.data<float>().ToArray().AsSpan()));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Number of parameters.</summary>
    public static long ParameterCount(EvcModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        long count = 0;
        foreach ((_, TorchSharp.Modules.Parameter parameter) in model.named_parameters())
            count += parameter.numel();
        return count;
    }
}
