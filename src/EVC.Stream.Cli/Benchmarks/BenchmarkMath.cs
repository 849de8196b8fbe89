namespace EVC.Stream.Cli.Benchmarks;

/// <summary>Small helpers every benchmark command shares: medians and <c>WxH</c> frame sizes.</summary>
internal static class BenchmarkMath
{
    /// <summary>The median (mean of the middle two for an even count).</summary>
    public static double Median(double[] values)
    {
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /// <summary>Parses <c>WxH</c>; with <paramref name="multiple"/> &gt; 1 both sides must be multiples of it.</summary>
    /// <exception cref="ArgumentException">Not a valid size (the message names the option and the value).</exception>
    public static (int Width, int Height) ParseSize(string text, int multiple = 1)
    {
        string[] parts = (text ?? "").Split('x', 'X');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int width) || !int.TryParse(parts[1], out int height)
            || width < 1 || height < 1 || width > Usage.Limits.MaxSide || height > Usage.Limits.MaxSide || width % multiple != 0 || height % multiple != 0)
        {
            string rule = (multiple > 1 ? $"WxH in multiples of {multiple}" : "WxH") + $", at most {Usage.Limits.MaxSide} per side";
            throw new ArgumentException($"--size must be {rule} (got '{text}')");
        }
        return (width, height);
    }
}
