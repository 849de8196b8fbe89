namespace EVC.Stream.Entropy;

/// <summary>
/// What the factorised prior needs from a model: the per-channel parameters of its bit estimator
/// (official <c>bit_estimator_z.f1..f4</c>). The model library implements it over its loaded weights.
/// </summary>
public interface IFactorizedPriorParameters
{
    /// <summary>
    /// The values of one parameter, one per channel: <paramref name="name"/> is <c>f1.h</c>, <c>f1.b</c>, <c>f1.a</c>,
    /// … <c>f3.a</c>, <c>f4.h</c> or <c>f4.b</c> (the official names without the <c>bit_estimator_z.</c> prefix).
    /// </summary>
    float[] GetParameter(string name);
}
