using System.Globalization;
using System.Runtime.InteropServices;
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
internal static partial class TorchRuntime
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

    /// <summary>
    /// Keeps freed tensor memory in the process (Linux/glibc only): blocks up to 32 MiB come from the heap instead of
    /// fresh <c>mmap</c>s, and the heap is never trimmed, so it stays at the high-water mark of one step.
    /// libtorch's CPU allocator calls malloc/free for every activation; with glibc's defaults each training step hands
    /// hundreds of megabytes back to the kernel at its end and faults them in again, zeroed, during the next (measured
    /// here: a tenth of all CPU time in the kernel's page clearing; 0.47–0.49 s per EVC_SS step against 0.39 s).
    /// </summary>
    /// <returns>Whether the settings took (false off glibc).</returns>
    public static bool RetainFreedMemory()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            const int TrimThreshold = -1, TopPad = -2, MmapThreshold = -3;
            return Glibc.mallopt(MmapThreshold, 32 << 20) == 1   // glibc's largest heap block size
                & Glibc.mallopt(TrimThreshold, -1) == 1          // -1: never trim
                & Glibc.mallopt(TopPad, 64 << 20) == 1;          // grow in 64 MiB steps
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;  // musl and other C libraries
        }
    }

    /// <summary>
    /// Switches off libtorch's NNPACK backend (<c>torch.backends.nnpack.set_flags(False)</c>), once per process. libtorch
    /// asks whether NNPACK is available before every single-threaded float32 1x1 convolution with a batch under 16 (the
    /// only ones oneDNN leaves), and on CPUs NNPACK does not support (this project's AMD EPYC machines) each asking
    /// prints "Could not initialize NNPACK! Reason: Unsupported hardware." — hundreds of lines a second from
    /// frame-parallel decoding, enough to fill and block an unread stderr pipe. Our convolutions never take NNPACK's
    /// path (it needs batches of 16 or more, which oneDNN takes first), so nothing is lost.
    /// </summary>
    /// <remarks>
    /// libtorch has no C entry point for this, so the two C++ functions (<c>at::globalContext()</c> and
    /// <c>at::Context::setUserEnabledNNPACK(bool)</c>) are looked up by their Itanium C++ ABI names, the mangling of
    /// GCC and Clang on Linux and macOS; Windows builds of libtorch (MSVC mangling) do not export these names, and
    /// the call returns false there, changing nothing. TorchNativeLoadTests fails if a libtorch update renames them.
    /// </remarks>
    /// <returns>Whether the switch was found and set (false on a libtorch without the exported symbols).</returns>
    public static bool DisableNnpack() => s_nnpackDisabled.Value;

    private static readonly Lazy<bool> s_nnpackDisabled = new(() =>
    {
        _ = torch.get_num_threads();  // loads libtorch
        if (OperatingSystem.IsWindows()
            || !NativeLibrary.TryLoad(OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so", out IntPtr library))
            return false;
        if (!NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out IntPtr globalContext)
            || !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledNNPACKEb", out IntPtr setEnabled))
            return false;
        unsafe
        {
            IntPtr context = ((delegate* unmanaged<IntPtr>)globalContext)();
            ((delegate* unmanaged<IntPtr, byte, void>)setEnabled)(context, 0);
        }
        return true;
    });

    private static partial class Glibc
    {
        [LibraryImport("libc", EntryPoint = "mallopt")]
        internal static partial int mallopt(int parameter, int value);
    }
}
