using System.Globalization;
using EVC.Stream.Model.Checkpoints;

namespace EVC.Stream.Pipeline;

/// <summary>
/// How many whole frames capture and playback code at once: a fixed count, or <see cref="Auto"/>. Frames are
/// intra-coded, so they are independent; on a CPU whose cores one small frame cannot fill (libtorch's intra-op
/// threads gain little on a few hundred kilopixels), several frames each on fewer threads go faster. The CPU threads
/// are shared out between the workers (<c>torch.set_num_threads</c> is process-wide: each worker's calls run on
/// threads / workers of them). Results are put back in frame order before the muxer or the presenter.
/// </summary>
public readonly record struct FrameParallelism
{
    /// <summary>The most workers a fixed count may give.</summary>
    public const int MaxWorkers = 64;

    /// <summary>
    /// Auto's limit: a padded frame of at most this many pixels (64x64: e.g. 64x48) is coded by several workers on the
    /// CPU. Measured on 2 shared cores (docs/benchmarks.md, "Frame-parallel coding"): EVC_SS keeps two intra-op threads
    /// busy from 128x96 up (one worker on two threads was as fast or faster there, capture and decode, 128x96 and
    /// 320x240); only at 64x48 did two frames at once capture faster.
    /// </summary>
    public const long AutoMaxPaddedPixels = 64 * 64;

    /// <summary>The most workers auto picks (the cores, up to this).</summary>
    public const int AutoMaxWorkers = 4;

    private FrameParallelism(int workers) => Workers = workers;

    /// <summary>Picked from the frame size and the device when the session opens (<see cref="Resolve(int, int, ComputeDevice)"/>).</summary>
    public static FrameParallelism Auto => default;

    /// <summary>A fixed count of workers, 1..<see cref="MaxWorkers"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Out of range.</exception>
    public static FrameParallelism Of(int workers) =>
        workers is >= 1 and <= MaxWorkers ? new(workers) : throw new ArgumentOutOfRangeException(nameof(workers), workers, $"frame workers must be 1..{MaxWorkers}");

    /// <summary>The fixed count; 0 for <see cref="Auto"/>.</summary>
    public int Workers { get; }

    /// <summary>Whether the count is picked when the session opens.</summary>
    public bool IsAuto => Workers == 0;

    /// <summary>"auto" or a count 1..<see cref="MaxWorkers"/> (as the CLI's <c>--frame-threads</c> takes it).</summary>
    public static bool TryParse(string? text, out FrameParallelism value)
    {
        value = Auto;
        if (string.Equals(text, "auto", StringComparison.OrdinalIgnoreCase))
            return true;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int workers) && workers is >= 1 and <= MaxWorkers)
        {
            value = new(workers);
            return true;
        }
        return false;
    }

    /// <summary>"auto" or a count; see <see cref="TryParse"/>.</summary>
    /// <exception cref="FormatException">Neither.</exception>
    public static FrameParallelism Parse(string text) =>
        TryParse(text, out FrameParallelism value) ? value : throw new FormatException($"'{text}': frame workers must be auto or 1..{MaxWorkers}");

    /// <summary>
    /// The workers for frames of <paramref name="width"/> x <paramref name="height"/> on <paramref name="device"/>: the
    /// fixed count, or (auto) on the CPU one per core up to <see cref="AutoMaxWorkers"/> when the padded frame has at most
    /// <see cref="AutoMaxPaddedPixels"/> pixels, else 1; on CUDA 1 (batches fill the device instead).
    /// </summary>
    public int Resolve(int width, int height, ComputeDevice device) => Resolve(width, height, device?.IsCpu ?? throw new ArgumentNullException(nameof(device)), Environment.ProcessorCount);

    /// <summary>As <see cref="Resolve(int, int, ComputeDevice)"/>, for a given CPU flag and core count.</summary>
    internal int Resolve(int width, int height, bool cpu, int cores)
    {
        if (!IsAuto)
            return Workers;
        long padded = (long)ImageCodec.PaddedSize(width) * ImageCodec.PaddedSize(height);
        return cpu && padded <= AutoMaxPaddedPixels ? Math.Clamp(cores, 1, AutoMaxWorkers) : 1;
    }

    /// <summary>libtorch CPU threads for each of <paramref name="workers"/> workers out of <paramref name="threads"/>: at least 1.</summary>
    internal static int ThreadsPerWorker(int threads, int workers) => Math.Max(1, threads / Math.Max(1, workers));

    /// <inheritdoc/>
    public override string ToString() => IsAuto ? "auto" : Workers.ToString(CultureInfo.InvariantCulture);
}
