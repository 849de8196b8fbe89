namespace EVC.Stream.Training;

/// <summary>
/// Rate-anchor balance of variable-rate training: how often each rate anchor is drawn for a training sample. Uniform by
/// default (every anchor alike, as the official training); relative weights such as <c>1,1,2,2</c> spend more of the
/// steps on some anchors — e.g. the high rates, where a model trained on a CPU lags x265 most.
/// </summary>
public sealed class RateAnchorBalance
{
    private readonly double[]? _cumulative;

    private RateAnchorBalance(int anchors, double[]? cumulative) => (Anchors, _cumulative) = (anchors, cumulative);

    /// <summary>Every one of <paramref name="anchors"/> anchors alike.</summary>
    public static RateAnchorBalance Uniform(int anchors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(anchors, 1);
        return new RateAnchorBalance(anchors, null);
    }

    /// <summary>
    /// Anchor i drawn with probability <c>weights[i] / Σ weights</c>; null or all-equal weights are <see cref="Uniform"/>.
    /// </summary>
    public static RateAnchorBalance FromWeights(int anchors, IReadOnlyList<double>? weights)
    {
        if (weights is null)
            return Uniform(anchors);
        if (weights.Count != anchors)
            throw new ArgumentException($"{weights.Count} rate weights for a model of {anchors} rate anchors", nameof(weights));
        if (weights.Any(w => !double.IsFinite(w) || w < 0) || weights.Sum() <= 0)
            throw new ArgumentException("rate weights must be finite, not negative, and not all zero", nameof(weights));
        if (weights.Distinct().Count() == 1)
            return Uniform(anchors);
        var cumulative = new double[anchors];
        double total = weights.Sum(), sum = 0;
        for (int i = 0; i < anchors; i++)
            cumulative[i] = (sum += weights[i]) / total;
        cumulative[^1] = 1;
        return new RateAnchorBalance(anchors, cumulative);
    }

    /// <summary>Rate anchors of the model.</summary>
    public int Anchors { get; }

    /// <summary>Whether every anchor is drawn alike.</summary>
    public bool IsUniform => _cumulative is null;

    /// <summary>The probability of drawing anchor <paramref name="rate"/>.</summary>
    public double Probability(int rate) =>
        _cumulative is null ? 1.0 / Anchors : _cumulative[rate] - (rate == 0 ? 0 : _cumulative[rate - 1]);

    /// <summary>
    /// One anchor. Uniform draws <c>Next(anchors)</c>, so uniform runs keep the data stream (and resume) of runs made
    /// before the balance existed; either way one value of <paramref name="random"/> is used.
    /// </summary>
    public int Draw(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (_cumulative is null)
            return random.Next(Anchors);
        double u = random.NextDouble();
        int rate = 0;
        while (u >= _cumulative[rate] && rate < Anchors - 1)
            rate++;
        return rate;
    }
}
