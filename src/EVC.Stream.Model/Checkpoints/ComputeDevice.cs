namespace EVC.Stream.Model.Checkpoints;

/// <summary>Where a model runs: the CPU or the CUDA device, chosen from <c>cpu</c>, <c>cuda</c> or <c>auto</c>.</summary>
public sealed class ComputeDevice
{
    private ComputeDevice(Device device) => Device = device;

    /// <summary>The CPU.</summary>
    public static ComputeDevice Cpu { get; } = new(CPU);

    /// <summary>The torch device.</summary>
    internal Device Device { get; }

    /// <summary>True on the CPU (small batches, frames decoded in parallel).</summary>
    public bool IsCpu => Device.type == TorchSharp.DeviceType.CPU;

    /// <summary><c>cpu</c> or <c>cuda</c>, as start-up lines print it.</summary>
    public string Name => Device.type.ToString().ToLowerInvariant();

    /// <summary>cpu, cuda or auto (cuda when available); <paramref name="option"/> names the option in the error.</summary>
    /// <exception cref="ArgumentException">An unknown type, or cuda without a CUDA device.</exception>
    public static ComputeDevice Choose(string type, string option = "--device-type") => type switch
    {
        "cpu" => Cpu,
        "cuda" => cuda.is_available() ? new(CUDA) : throw new ArgumentException($"{option} cuda: no CUDA device is available (build with -p:TorchBackend=cuda, or put a CUDA libtorch 2.10 on LD_LIBRARY_PATH: docs/gpu.md)"),
        "auto" => cuda.is_available() ? new(CUDA) : Cpu,
        _ => throw new ArgumentException($"{option} must be cpu, cuda or auto (got '{type}')"),
    };

    /// <summary>Sets libtorch's CPU thread count, which is process-wide.</summary>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        set_num_threads(threads);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
