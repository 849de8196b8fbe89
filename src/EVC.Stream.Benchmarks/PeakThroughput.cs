using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using EVC.Stream.Model.Checkpoints;
using static TorchSharp.torch;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// The machine's peak multiply-add rate, measured: large square matrix products through libtorch in float32 and in
/// bfloat16 (the best achievable rate of a tuned GEMM: MKL / oneDNN on the CPU, cuBLAS on CUDA), and on the CPU a
/// hand-written vector FMA loop per thread (the float32 peak the cores can issue at all). Each figure is the best of a
/// few timed repeats, so a loaded machine lowers it less than it lowers a single timing.
/// </summary>
public static class PeakThroughput
{
    /// <summary>Default n of the n x n matrix products: 2048 (8.6 G multiply-adds each) on the CPU.</summary>
    public const int DefaultCpuMatrixSize = 2048;

    /// <summary>Default n on CUDA: 8192 (a smaller product does not fill a large GPU).</summary>
    public const int DefaultCudaMatrixSize = 8192;

    /// <summary>Accumulators of the FMA loop: enough independent chains to cover the FMA latency of two pipes.</summary>
    private const int Accumulators = 12;

    /// <summary>Wall time of one timed repeat, roughly.</summary>
    private static readonly TimeSpan s_repeatTime = TimeSpan.FromMilliseconds(100);

    /// <summary>The FMA loop's result, kept so the loop cannot be removed as dead code.</summary>
    private static float s_sink;

    /// <summary>
    /// Measures the peaks on <paramref name="device"/> with <paramref name="threads"/> CPU threads (libtorch's operator
    /// threads are set to it): <paramref name="matrixSize"/>² matrices, best of <paramref name="repeats"/> (each repeat
    /// runs ~0.1 s, after a warm-up).
    /// </summary>
    public static PeakThroughputResult Measure(ComputeDevice device, int threads, int matrixSize, int repeats = 3)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(matrixSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repeats);
        set_num_threads(threads);
        double float32 = GemmGmacPerSecond(device.Device, ScalarType.Float32, matrixSize, repeats)
            ?? throw new InvalidOperationException("a float32 matrix product failed");
        double? bfloat16 = GemmGmacPerSecond(device.Device, ScalarType.BFloat16, matrixSize, repeats);
        (double? vector, int? bits) = device.IsCpu ? VectorFmaGmacPerSecond(threads, repeats) : (null, null);
        return new PeakThroughputResult(device.IsCpu ? "cpu" : "cuda", threads, matrixSize, float32, bfloat16, vector, bits);
    }

    /// <summary>n³ multiply-adds per product over the best time per product; null where the type is not supported.</summary>
    private static double? GemmGmacPerSecond(Device device, ScalarType dtype, int n, int repeats)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor a, b;
        try
        {
            a = randn(n, n, device: device).to(dtype);
            b = randn(n, n, device: device).to(dtype);
            TimeProducts(a, b, device, 1);  // warm-up: libtorch picks its kernels, the allocator its blocks
        }
        catch (ExternalException)
        {
            return null;
        }
        double once = TimeProducts(a, b, device, 1);
        int products = (int)Math.Clamp(Math.Ceiling(s_repeatTime.TotalSeconds / Math.Max(once, 1e-9)), 1, 10_000);
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
            best = Math.Min(best, TimeProducts(a, b, device, products) / products);
        return (double)n * n * n / best / 1e9;
    }

    /// <summary>Seconds for <paramref name="count"/> products a·b, device work included.</summary>
    private static double TimeProducts(Tensor a, Tensor b, Device device, int count)
    {
        bool onCuda = device.type == TorchSharp.DeviceType.CUDA;
        if (onCuda)
            TorchSharp.torch.cuda.synchronize();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
            a.matmul(b).Dispose();
        if (onCuda)
            TorchSharp.torch.cuda.synchronize();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>
    /// The FMA loop on <paramref name="threads"/> threads started together: lanes x accumulators multiply-adds per
    /// iteration each; the best of <paramref name="repeats"/> wall times.
    /// </summary>
    private static (double? GmacPerSecond, int? Bits) VectorFmaGmacPerSecond(int threads, int repeats)
    {
        int bits;
        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
            bits = 512;
        else if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
            bits = 256;
        else
            return (null, null);
        int lanes = bits / 32;
        long calibration = 1 << 20;
        long start = Stopwatch.GetTimestamp();
        Kernel(bits, calibration);
        double perIteration = Math.Max(Stopwatch.GetElapsedTime(start).TotalSeconds / calibration, 1e-12);
        long iterations = Math.Max(calibration, (long)(s_repeatTime.TotalSeconds / perIteration));
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
            best = Math.Min(best, RunOnThreads(bits, threads, iterations));
        return ((double)threads * iterations * Accumulators * lanes / best / 1e9, bits);
    }

    /// <summary>Seconds from releasing <paramref name="threads"/> threads into the loop to the last one's end.</summary>
    private static double RunOnThreads(int bits, int threads, long iterations)
    {
        using var ready = new Barrier(threads + 1);
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                ready.SignalAndWait();
                Kernel(bits, iterations);
            }) { IsBackground = true, Name = "fma peak" };
            workers[t].Start();
        }
        ready.SignalAndWait();
        long start = Stopwatch.GetTimestamp();
        foreach (Thread worker in workers)
            worker.Join();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static void Kernel(int bits, long iterations)
    {
        float result = bits == 512 ? Fma512(iterations) : Fma256(iterations);
        Volatile.Write(ref s_sink, result);
    }

    /// <summary>12 independent chains acc = acc · m + c (m just below 1 keeps every value finite).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Fma512(long iterations)
    {
        Vector512<float> m = Vector512.Create(0.9999999f), c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0 + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c;
        Vector512<float> a6 = a5 + c, a7 = a6 + c, a8 = a7 + c, a9 = a8 + c, a10 = a9 + c, a11 = a10 + c;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c);
            a1 = Avx512F.FusedMultiplyAdd(a1, m, c);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, c);
            a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c);
            a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c);
            a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c);
            a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, c);
            a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    /// <summary>The 256-bit variant of <see cref="Fma512"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Fma256(long iterations)
    {
        Vector256<float> m = Vector256.Create(0.9999999f), c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0 + c, a2 = a1 + c, a3 = a2 + c, a4 = a3 + c, a5 = a4 + c;
        Vector256<float> a6 = a5 + c, a7 = a6 + c, a8 = a7 + c, a9 = a8 + c, a10 = a9 + c, a11 = a10 + c;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c);
            a1 = Fma.MultiplyAdd(a1, m, c);
            a2 = Fma.MultiplyAdd(a2, m, c);
            a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c);
            a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c);
            a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c);
            a9 = Fma.MultiplyAdd(a9, m, c);
            a10 = Fma.MultiplyAdd(a10, m, c);
            a11 = Fma.MultiplyAdd(a11, m, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
