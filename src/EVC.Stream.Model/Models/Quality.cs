using System.Globalization;

namespace EVC.Stream.Model.Models;

/// <summary>
/// What a caller asks for: one of the model's rate anchors (rate index 0..3, 0 the lowest rate), or an explicit
/// q_scale. Text form: an integer is a rate index ("1"), a number with a decimal point a q_scale ("1.5").
/// </summary>
public readonly record struct Quality
{
    private Quality(int? rateIndex, double? qScale) => (RateIndex, QScale) = (rateIndex, qScale);

    /// <summary>The default everywhere: rate index 1.</summary>
    public static Quality Default { get; } = FromRateIndex(1);

    /// <summary>The rate anchor, or null for an explicit q_scale.</summary>
    public int? RateIndex { get; }

    /// <summary>The explicit q_scale, or null for a rate anchor.</summary>
    public double? QScale { get; }

    /// <summary>One of the model's rate anchors.</summary>
    public static Quality FromRateIndex(int rateIndex) =>
        rateIndex is >= 0 and < Models.QScale.AnchorCount ? new(rateIndex, null) : throw new ArgumentOutOfRangeException(nameof(rateIndex), $"rate index must be 0..{Models.QScale.AnchorCount - 1}");

    /// <summary>An explicit q_scale (rounded by the codec to q_index = round(q·100)).</summary>
    public static Quality FromQScale(double qScale) =>
        double.IsFinite(qScale) && qScale >= Models.QScale.Min && qScale <= Models.QScale.Max
            ? new(null, qScale)
            : throw new ArgumentOutOfRangeException(nameof(qScale), string.Create(CultureInfo.InvariantCulture, $"q_scale must be {Models.QScale.Min}..{Models.QScale.Max}"));

    /// <summary>Parses "1" (rate index) or "1.5" (q_scale); false with no exception for anything else.</summary>
    public static bool TryParse(string? text, out Quality quality)
    {
        quality = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            if (index >= Models.QScale.AnchorCount)
                return false;
            quality = FromRateIndex(index);
            return true;
        }
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double q) && double.IsFinite(q) && q >= Models.QScale.Min && q <= Models.QScale.Max)
        {
            quality = FromQScale(q);
            return true;
        }
        return false;
    }

    /// <summary>The q_scale this quality means for <paramref name="model"/>.</summary>
    public double Resolve(EvcModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return QScale ?? model.Anchor(RateIndex ?? 1);
    }

    /// <summary>"rate index 1" or "q_scale 1.5".</summary>
    public override string ToString() =>
        RateIndex is int index ? $"rate index {index}" : string.Create(CultureInfo.InvariantCulture, $"q_scale {Models.QScale.Round(QScale ?? 1).QUsed}");
}
