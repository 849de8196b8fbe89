using System.Text.Json.Serialization;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Training;

/// <summary>
/// Learning-rate decay on plateau: after each validation the run's validation RD cost (the mean over rate anchors of
/// <c>λ_i·255²·MSE_i + bpp_i</c>, from real coding) is compared with the best so far; when it has not improved by
/// <see cref="Threshold"/> (relative) for <see cref="Patience"/> validations in a row, the learning rate is multiplied by
/// <see cref="Factor"/>, down to <see cref="MinimumScale"/> of the start value. The state travels with checkpoints.
/// </summary>
public sealed record LearningRatePlateau
{
    /// <summary>The learning-rate cut on a plateau.</summary>
    public const double Factor = 0.5;

    /// <summary>Validations without improvement before a cut.</summary>
    public const int Patience = 1;

    /// <summary>Relative improvement that counts (validation on four images moves by less than this when nothing changed).</summary>
    public const double Threshold = 0.002;

    /// <summary>The smallest multiplier of the start learning rate.</summary>
    public const double MinimumScale = 1.0 / 64;

    /// <summary>The multiplier of the scheduled learning rate now.</summary>
    [JsonPropertyName("scale")]
    public double Scale { get; init; } = 1;

    /// <summary>The best validation RD cost seen (∞ before the first).</summary>
    [JsonPropertyName("best"), JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    public double Best { get; init; } = double.PositiveInfinity;

    /// <summary>Validations since the last improvement.</summary>
    [JsonPropertyName("stale")]
    public int Stale { get; init; }

    /// <summary>The state after a validation with RD cost <paramref name="cost"/>.</summary>
    public LearningRatePlateau Observe(double cost)
    {
        if (!double.IsFinite(cost))
            throw new ArgumentOutOfRangeException(nameof(cost), "a validation RD cost must be finite");
        if (cost < Best * (1 - Threshold) || double.IsPositiveInfinity(Best))
            return this with { Best = cost, Stale = 0 };
        int stale = Stale + 1;
        return stale < Patience
            ? this with { Stale = stale }
            : this with { Scale = Math.Max(MinimumScale, Scale * Factor), Stale = 0, Best = Math.Min(Best, cost) };
    }

    /// <summary>The validation RD cost of one model's points: mean over anchors of <c>λ_i·255²·MSE_i + bpp_i</c>, MSE from the RGB PSNR.</summary>
    public static double Cost(IReadOnlyList<ValidationPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
            throw new ArgumentException("no validation points", nameof(points));
        return points.Average(p => QScale.AnchorLambdas[p.Rate] * 255 * 255 * Math.Pow(10, -p.Psnr / 10) + p.Bpp);
    }
}
