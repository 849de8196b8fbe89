namespace EVC.Stream.Cli.Usage;

/// <summary>
/// The ranges options are checked against before work starts, derived from memory and the model so that a huge
/// --size or --batch is a one-line error instead of a libtorch allocation failure.
/// </summary>
internal static class Limits
{
    /// <summary>Largest picture side (the .evcs header and .bin store it; EVC pads to multiples of 64).</summary>
    public const int MaxSide = 16384;

    /// <summary>Frame rates from one frame per 100 s to 1000 fps (the .evcs header stores millihertz).</summary>
    public const double MinFps = 0.01, MaxFps = 1000;

    /// <summary>Source time: up to a year.</summary>
    public const double MaxDurationSeconds = 365 * 24 * 3600.0;

    /// <summary>Frames per network pass.</summary>
    public const int MaxBatch = 64;

    /// <summary>
    /// Peak memory of EVC_SS inference per padded pixel of a batch, measured ≈ 1.1 KB (the widest activations, 64–128
    /// channels at half and quarter resolution, plus the entropy parameters' inputs); 2 KB leaves headroom.
    /// </summary>
    public const long BytesPerPixel = 2048;

    /// <summary>Pixels of one network pass that fit in half of the memory this process may use.</summary>
    public static long MaxBatchPixels
    {
        get
        {
            long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            return Math.Max(1L << 20, available / 2 / BytesPerPixel);
        }
    }

    /// <summary>Checks a WxH frame size times a batch against <see cref="MaxSide"/> and memory; throws <see cref="UsageException"/> naming <paramref name="option"/>.</summary>
    public static void CheckFrame(int width, int height, int batch, string option)
    {
        if (width > MaxSide || height > MaxSide)
            throw new UsageException($"{option} {width}x{height}: at most {MaxSide} pixels per side");
        long padded = (long)((width + 63) / 64 * 64) * ((height + 63) / 64 * 64) * batch;
        if (padded > MaxBatchPixels)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{option} {width}x{height}{(batch > 1 ? $" with --batch {batch}" : "")}: needs about {padded * BytesPerPixel / (1 << 30):F0} GiB, more than half of this machine's {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB; use a smaller size or batch"));
    }
}
