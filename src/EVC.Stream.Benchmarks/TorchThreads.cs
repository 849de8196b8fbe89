using static TorchSharp.torch;

namespace EVC.Stream.Benchmarks;

/// <summary>The CPU threads the networks use, set for a benchmark (one process-wide setting of libtorch).</summary>
public static class TorchThreads
{
    /// <summary>Sets the threads libtorch runs operators on.</summary>
    public static void Use(int threads) => set_num_threads(threads);
}
