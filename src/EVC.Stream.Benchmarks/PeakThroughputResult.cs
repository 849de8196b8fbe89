namespace EVC.Stream.Benchmarks;

/// <summary>
/// The peak multiply-add rates <see cref="PeakThroughput"/> measured, in GMAC/s (10⁹ multiply-adds per second).
/// </summary>
/// <param name="Device">Where the matrix products ran: <c>cpu</c> or <c>cuda</c>.</param>
/// <param name="Threads">CPU threads (libtorch's operator threads, and the FMA loop's threads).</param>
/// <param name="MatrixSize">n of the n x n matrix products (n³ multiply-adds each).</param>
/// <param name="Float32GmacPerSecond">The best float32 matrix product (<c>torch.matmul</c>): the peak the speed bench's fractions use.</param>
/// <param name="Bfloat16GmacPerSecond">The best bfloat16 matrix product (float32 accumulation in oneDNN on AVX512_BF16 CPUs); null where libtorch refused it.</param>
/// <param name="VectorFloat32GmacPerSecond">
/// A hand-written float32 FMA loop on <paramref name="Threads"/> threads, independent accumulators, no memory traffic:
/// close to the cores' theoretical float32 peak. Null on CUDA or without vector FMA instructions.
/// </param>
/// <param name="VectorBits">The FMA loop's vector width (512 or 256); null with it.</param>
public sealed record PeakThroughputResult(
    string Device,
    int Threads,
    int MatrixSize,
    double Float32GmacPerSecond,
    double? Bfloat16GmacPerSecond,
    double? VectorFloat32GmacPerSecond,
    int? VectorBits);
