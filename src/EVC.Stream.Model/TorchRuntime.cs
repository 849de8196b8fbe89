using System.Globalization;
using TorchSharp;

namespace EVC.Stream.Model;

/// <summary>
/// Facts about the TorchSharp / libtorch runtime this process loaded, for logs and diagnostics.
/// </summary>
/// <remarks>
/// The first call loads the native libraries (libLibTorchSharp, libtorch). On Linux systems whose libstdc++
/// predates GCC 13 this only works with the build-time patch from <c>build/TorchSharpNativeFix.targets</c>;
/// without it the call throws <see cref="TypeInitializationException"/>.
/// </remarks>
public static class TorchRuntime
{
    /// <summary>
    /// Describes the loaded runtime in one line: TorchSharp and libtorch versions, intra-op thread count and
    /// whether CUDA is available.
    /// </summary>
    /// <returns>For example <c>TorchSharp 0.107.0, libtorch 2.10.0, threads 16, CUDA no</c>.</returns>
    public static string Describe()
    {
        string managed = typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "?";
        bool cuda = torch.cuda.is_available();
        return string.Format(
            CultureInfo.InvariantCulture,
            "TorchSharp {0}, libtorch {1}, threads {2}, CUDA {3}",
            managed,
            torch.__version__,
            torch.get_num_threads(),
            cuda ? $"yes ({torch.cuda.device_count()} device(s))" : "no");
    }
}
