using ScottPlot;

namespace EVC.Stream.Evaluation;

/// <summary>Per-stage latency as a PNG: one bar per stage at its median, whiskers from p5 to p95, p99 as a marker.</summary>
public static class SpeedPlot
{
    /// <summary>Draws the stages' latency distributions (milliseconds) to <paramref name="path"/>.</summary>
    public static void Save(string path, string title, IReadOnlyList<(string Stage, double[] Milliseconds)> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var plot = new Plot();
        var ticks = new List<Tick>();
        for (int i = 0; i < stages.Count; i++)
        {
            double[] sorted = [.. stages[i].Milliseconds.Order()];
            double p50 = Percentile(sorted, 50), p5 = Percentile(sorted, 5), p95 = Percentile(sorted, 95), p99 = Percentile(sorted, 99);
            var bar = plot.Add.Bar(new Bar { Position = i, Value = p50, Error = 0, FillColor = Colors.SteelBlue });
            var whisker = plot.Add.Line(i, p5, i, p95);
            whisker.LineWidth = 2;
            whisker.LineColor = Colors.Black;
            var marker = plot.Add.Marker(i, p99, MarkerShape.FilledDiamond, 8, Colors.OrangeRed);
            ticks.Add(new Tick(i, stages[i].Stage));
            _ = bar;
            _ = marker;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel("latency per frame (ms): bar p50, whisker p5–p95, ◆ p99");
        plot.SavePng(path, 1100, 650);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Length == 0)
            return double.NaN;
        int rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
