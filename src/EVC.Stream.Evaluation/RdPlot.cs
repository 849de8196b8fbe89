using ScottPlot;

namespace EVC.Stream.Evaluation;

/// <summary>RD curves as PNG (ScottPlot): quality against bpp, one line per codec, published reference points as markers.</summary>
public static class RdPlot
{
    /// <summary>Draws <paramref name="curves"/> (and <paramref name="published"/>, if any) to <paramref name="path"/>.</summary>
    public static void Save(string path, string title, string yLabel, IEnumerable<(string Label, double[] Bpp, double[] Quality)> curves,
        IEnumerable<(string Label, double[] Bpp, double[] Quality)>? published = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var plot = new Plot();
        foreach ((string label, double[] bpp, double[] quality) in curves)
        {
            var line = plot.Add.Scatter(bpp, quality);
            line.LegendText = label;
            line.MarkerSize = 6;
            line.LineWidth = 2;
        }
        if (published is not null)
        {
            foreach ((string label, double[] bpp, double[] quality) in published)
            {
                var points = plot.Add.Scatter(bpp, quality);
                points.LegendText = label;
                points.LineWidth = 1;
                points.LinePattern = LinePattern.Dashed;
                points.MarkerShape = MarkerShape.OpenTriangleUp;
                points.MarkerSize = 9;
            }
        }
        plot.Title(title);
        plot.XLabel("bits per pixel");
        plot.YLabel(yLabel);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 1000, 700);
    }
}
