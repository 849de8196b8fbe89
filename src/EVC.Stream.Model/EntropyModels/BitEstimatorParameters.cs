using EVC.Stream.Entropy;

namespace EVC.Stream.Model.EntropyModels;

/// <summary>
/// The factorised prior's parameters (official <c>bit_estimator_z.f1..f4.{h,b,a}</c>, each (1, C, 1, 1)) taken from a
/// state dict, for <see cref="FactorizedPrior.BuildTable"/>. Values are copied out as float32; nothing is computed in torch,
/// so the z table is the same on every device.
/// </summary>
internal sealed class BitEstimatorParameters : IFactorizedPriorParameters
{
    private readonly IReadOnlyDictionary<string, Tensor> _stateDict;
    private readonly string _prefix;

    /// <summary>Reads the parameters under <paramref name="prefix"/> (default <c>bit_estimator_z.</c>).</summary>
    public BitEstimatorParameters(IReadOnlyDictionary<string, Tensor> stateDict, string prefix = "bit_estimator_z.")
    {
        _stateDict = stateDict ?? throw new ArgumentNullException(nameof(stateDict));
        _prefix = prefix;
    }

    /// <inheritdoc />
    public float[] GetParameter(string name)
    {
        string key = _prefix + name;
        if (!_stateDict.TryGetValue(key, out Tensor? tensor))
            throw new KeyNotFoundException($"the checkpoint has no '{key}' (the factorised prior's parameters)");
        using Tensor values = tensor.detach().to(ScalarType.Float32).cpu().flatten();
        return values.data<float>().ToArray();
    }
}
