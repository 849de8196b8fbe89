namespace EVC.Stream.Benchmarks;

/// <summary>Statistics every benchmark shares.</summary>
public static class BenchmarkMath
{
    /// <summary>The median (mean of the middle two for an even count).</summary>
    public static double Median(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }
}
