namespace EVC.Stream.Evaluation.Tests;

public class BjontegaardDeltaTests
{
    private static readonly RdPoint[] s_anchor = [new(9487.76, 40.037), new(4593.60, 38.615), new(2486.44, 36.845), new(1358.24, 34.851)];
    private static readonly RdPoint[] s_test = [new(9787.80, 40.121), new(4469.00, 38.651), new(2451.52, 36.970), new(1356.24, 34.987)];

    [Fact]
    public void Identical_curves_give_zero()
    {
        Assert.Equal(0, BjontegaardDelta.BdRate(s_anchor, s_anchor), 12);
        Assert.Equal(0, BjontegaardDelta.BdQuality(s_anchor, s_anchor), 12);
    }

    [Theory]
    [InlineData(0.9, -10.0)]
    [InlineData(1.2, 20.0)]
    [InlineData(0.5, -50.0)]
    public void Scaling_every_rate_gives_exactly_that_percentage(double factor, double expected)
    {
        RdPoint[] scaled = [.. s_anchor.Select(p => p with { Rate = p.Rate * factor })];
        Assert.Equal(expected, BjontegaardDelta.BdRate(s_anchor, scaled), 9);
    }

    [Fact]
    public void A_log_linear_curve_shifted_in_quality_has_its_analytic_value()
    {
        // ln R = a + b·Q is reproduced exactly by PCHIP; shifting Q by δ at equal rates moves ln R by −b·δ everywhere.
        const double a = -8, b = 0.25, delta = 0.4;
        RdPoint[] anchor = [.. new[] { 30.0, 32, 34, 36, 38 }.Select(q => new RdPoint(Math.Exp(a + b * q), q))];
        RdPoint[] better = [.. anchor.Select(p => p with { Quality = p.Quality + delta })];
        Assert.Equal((Math.Exp(-b * delta) - 1) * 100, BjontegaardDelta.BdRate(anchor, better), 9);
        Assert.Equal(delta, BjontegaardDelta.BdQuality(anchor, better), 9);
    }

    [Fact]
    public void The_four_point_x265_example_matches_an_independent_implementation()
    {
        // FAU-LMS/bjontegaard's README example (x265 presets). Reference: a separate pure-Python PCHIP (scipy's slope
        // rules) integrated by the trapezoid rule on 200,001 points — a different integration in a different language.
        Assert.Equal(-4.4174853505, BjontegaardDelta.BdRate(s_anchor, s_test), 6);
    }

    [Fact]
    public void Curves_that_do_not_overlap_are_refused_with_a_clear_message()
    {
        RdPoint[] far = [new(0.1, 20), new(0.2, 22), new(0.4, 24)];
        var error = Assert.Throws<ArgumentException>(() => BjontegaardDelta.BdRate(s_anchor, far));
        Assert.Contains("do not overlap", error.Message);
        Assert.Throws<ArgumentException>(() => BjontegaardDelta.BdRate([new RdPoint(1, 30)], s_anchor));
    }

    [Fact]
    public void Pchip_passes_through_its_points_and_stays_monotone()
    {
        double[] x = [1, 2, 4, 5], y = [1, 3, 3.5, 6];
        for (int i = 0; i < x.Length; i++)
            Assert.Equal(y[i], BjontegaardDelta.Interpolate(x, y, x[i]), 12);
        double previous = double.NegativeInfinity;
        for (double t = 1; t <= 5; t += 0.01)
        {
            double value = BjontegaardDelta.Interpolate(x, y, t);
            Assert.True(value >= previous - 1e-12, $"not monotone at {t}");
            previous = value;
        }
    }
}
