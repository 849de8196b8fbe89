namespace EVC.Stream.Benchmarks;

/// <summary>
/// Figures of the official coder. <see cref="LowRate"/>/<see cref="HighRate"/>: the official C++ coder (DCVC 54e8864 +
/// ryg_rans c9d162d, g++ 12.2 -O3 -DNDEBUG) called directly from C++, one sub-stream, the process pinned to one core,
/// on exactly the tiled 1080p latents of <see cref="FrameLatent.FromKitCase"/>: medians of 55 timings (11 in each of 5
/// processes) on this kind of machine (2-core AMD EPYC VM, Debian 12), 2026-11-26 — the strictest single-thread
/// comparison. The kit README figures were timed through the official Python wrapper on an Intel VM, on the kit's
/// y latent. Method in docs/benchmarks.md; <c>--official FILE</c> replaces the first with a fresh side-by-side run.
/// </summary>
internal static class OfficialMeasurements
{
    public static readonly OfficialFigures LowRate = new(81.1, 209.1, "official C++ coder called directly, pinned to one core, same latent (docs/benchmarks.md)");
    public static readonly OfficialFigures HighRate = new(79.9, 127.7, "official C++ coder called directly, pinned to one core, same latent (docs/benchmarks.md)");
    public static readonly OfficialFigures KitReadmeLowRate = new(46.9, 118.4, "kit README speed probe: official coder through Python, kodim01_r1 y latent");
    public static readonly OfficialFigures KitReadmeHighRate = new(14.6, 26.5, "kit README speed probe: official coder through Python, kodim15_r3 y latent");
}
