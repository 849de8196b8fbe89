namespace EVC.Stream.Evaluation;

/// <summary>
/// Bjøntegaard deltas (VCEG-M33) with piecewise cubic Hermite interpolation (PCHIP, Fritsch–Carlson slopes as in
/// the JCT-VC/JVET CTC sheets and scipy's <c>PchipInterpolator</c>), integrated exactly over the overlap of the two
/// curves. BD-rate: mean difference of log rate at equal quality, as a percentage (negative = the test saves rate).
/// BD-quality: mean quality difference at equal log rate.
/// </summary>
public static class BjontegaardDelta
{
    /// <summary>BD-rate of <paramref name="test"/> against <paramref name="anchor"/>, in percent.</summary>
    /// <exception cref="ArgumentException">Fewer than two points, non-monotone curves, or no quality overlap.</exception>
    public static double BdRate(IReadOnlyList<RdPoint> anchor, IReadOnlyList<RdPoint> test)
    {
        // log rate as a function of quality
        (double[] qa, double[] ra) = Sorted(anchor, p => p.Quality, p => Math.Log(p.Rate), "anchor");
        (double[] qt, double[] rt) = Sorted(test, p => p.Quality, p => Math.Log(p.Rate), "test");
        double low = Math.Max(qa[0], qt[0]), high = Math.Min(qa[^1], qt[^1]);
        if (!(high > low))
            throw new ArgumentException($"the RD curves do not overlap in quality (anchor {qa[0]:F2}–{qa[^1]:F2} dB, test {qt[0]:F2}–{qt[^1]:F2} dB): no BD-rate");
        double mean = (Integrate(qt, rt, low, high) - Integrate(qa, ra, low, high)) / (high - low);
        return (Math.Exp(mean) - 1) * 100;
    }

    /// <summary>BD-quality (e.g. BD-PSNR, dB) of <paramref name="test"/> against <paramref name="anchor"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than two points, non-monotone curves, or no rate overlap.</exception>
    public static double BdQuality(IReadOnlyList<RdPoint> anchor, IReadOnlyList<RdPoint> test)
    {
        (double[] ra, double[] qa) = Sorted(anchor, p => Math.Log(p.Rate), p => p.Quality, "anchor");
        (double[] rt, double[] qt) = Sorted(test, p => Math.Log(p.Rate), p => p.Quality, "test");
        double low = Math.Max(ra[0], rt[0]), high = Math.Min(ra[^1], rt[^1]);
        if (!(high > low))
            throw new ArgumentException("the RD curves do not overlap in rate: no BD-quality");
        return (Integrate(rt, qt, low, high) - Integrate(ra, qa, low, high)) / (high - low);
    }

    private static (double[] X, double[] Y) Sorted(IReadOnlyList<RdPoint> points, Func<RdPoint, double> x, Func<RdPoint, double> y, string name)
    {
        if (points.Count < 2)
            throw new ArgumentException($"the {name} curve needs at least two points");
        var ordered = points.OrderBy(x).ToArray();
        double[] xs = ordered.Select(x).ToArray(), ys = ordered.Select(y).ToArray();
        for (int i = 1; i < xs.Length; i++)
        {
            if (!(xs[i] > xs[i - 1]))
                throw new ArgumentException($"the {name} curve has two points at the same value ({xs[i]:F4}): not a function");
        }
        return (xs, ys);
    }

    /// <summary>∫ from a to b of the PCHIP interpolant through (x, y); exact for the cubic Hermite pieces.</summary>
    internal static double Integrate(double[] x, double[] y, double a, double b)
    {
        double[] d = Slopes(x, y);
        double total = 0;
        for (int i = 0; i < x.Length - 1; i++)
        {
            double lo = Math.Max(a, x[i]), hi = Math.Min(b, x[i + 1]);
            if (hi <= lo)
                continue;
            total += HermiteIntegral(x[i], x[i + 1], y[i], y[i + 1], d[i], d[i + 1], lo, hi);
        }
        return total;
    }

    /// <summary>PCHIP interpolant value at <paramref name="t"/> (for plots and tests).</summary>
    public static double Interpolate(double[] x, double[] y, double t)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        double[] d = Slopes(x, y);
        int i = Math.Clamp(Array.BinarySearch(x, t) is int k && k >= 0 ? k : ~k - 1, 0, x.Length - 2);
        double h = x[i + 1] - x[i], s = (t - x[i]) / h;
        double h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s), h01 = s * s * (3 - 2 * s), h11 = s * s * (s - 1);
        return h00 * y[i] + h10 * h * d[i] + h01 * y[i + 1] + h11 * h * d[i + 1];
    }

    /// <summary>Fritsch–Carlson slopes as scipy's PchipInterpolator: weighted harmonic mean inside, one-sided three-point ends.</summary>
    private static double[] Slopes(double[] x, double[] y)
    {
        int n = x.Length;
        var h = new double[n - 1];
        var delta = new double[n - 1];
        for (int i = 0; i < n - 1; i++)
        {
            h[i] = x[i + 1] - x[i];
            delta[i] = (y[i + 1] - y[i]) / h[i];
        }
        var d = new double[n];
        if (n == 2)
        {
            d[0] = d[1] = delta[0];
            return d;
        }
        for (int i = 1; i < n - 1; i++)
        {
            if (delta[i - 1] * delta[i] <= 0)
                d[i] = 0;
            else
            {
                double w1 = 2 * h[i] + h[i - 1], w2 = h[i] + 2 * h[i - 1];
                d[i] = (w1 + w2) / (w1 / delta[i - 1] + w2 / delta[i]);
            }
        }
        d[0] = EndSlope(h[0], h[1], delta[0], delta[1]);
        d[n - 1] = EndSlope(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
        return d;
    }

    private static double EndSlope(double h0, double h1, double m0, double m1)
    {
        double d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
        if (Math.Sign(d) != Math.Sign(m0))
            return 0;
        if (Math.Sign(m0) != Math.Sign(m1) && Math.Abs(d) > Math.Abs(3 * m0))
            return 3 * m0;
        return d;
    }

    /// <summary>∫ from lo to hi of the cubic Hermite piece on [x0, x1], by Simpson's rule on the cubic (exact for cubics).</summary>
    private static double HermiteIntegral(double x0, double x1, double y0, double y1, double d0, double d1, double lo, double hi)
    {
        double h = x1 - x0;
        double Value(double t)
        {
            double s = (t - x0) / h;
            double h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s), h01 = s * s * (3 - 2 * s), h11 = s * s * (s - 1);
            return h00 * y0 + h10 * h * d0 + h01 * y1 + h11 * h * d1;
        }
        return (hi - lo) / 6 * (Value(lo) + 4 * Value((lo + hi) / 2) + Value(hi));
    }
}
