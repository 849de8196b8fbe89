namespace EVC.Stream.Pipeline;

/// <summary>A frame rate as the stream header's rational.</summary>
internal static class FrameRateRational
{
    /// <summary>Common NTSC rates exactly; whole rates over 1; anything else in millihertz.</summary>
    public static EvcsRational From(double fps)
    {
        if (Math.Abs(fps - 30000.0 / 1001) < 1e-3)
            return new(30000, 1001);
        if (Math.Abs(fps - 60000.0 / 1001) < 1e-3)
            return new(60000, 1001);
        return Math.Abs(fps - Math.Round(fps)) < 1e-6 ? new((uint)Math.Round(fps), 1) : new((uint)Math.Round(fps * 1000), 1000);
    }
}
