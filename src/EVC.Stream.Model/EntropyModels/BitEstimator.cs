using EVC.Stream.Entropy;

namespace EVC.Stream.Model.EntropyModels;

/// <summary>
/// The factorised prior of z (official <c>BitEstimator</c>, child <c>bit_estimator_z</c>): per channel learned
/// <c>f1..f4</c> with parameters <c>h</c>, <c>b</c> and (f1..f3) <c>a</c>, each (1, N, 1, 1). Its CDF table is built by
/// <see cref="FactorizedPrior.BuildTable"/> from these values, bit-exact with the official table.
/// </summary>
internal sealed class BitEstimator : nn.Module, IFactorizedPriorParameters
{
    private readonly Dictionary<string, TorchSharp.Modules.Parameter> _byName = new(StringComparer.Ordinal);

    /// <summary>Creates the parameters (zeros until a checkpoint is loaded).</summary>
    public BitEstimator(long channels) : base(nameof(BitEstimator))
    {
        for (int k = 1; k <= 4; k++)
        {
            var child = new ParameterHolder($"f{k}");
            foreach (string p in k < 4 ? new[] { "h", "b", "a" } : new[] { "h", "b" })
            {
                var parameter = new TorchSharp.Modules.Parameter(zeros(1, channels, 1, 1));
                child.Add(p, parameter);
                _byName[$"f{k}.{p}"] = parameter;
            }
            register_module($"f{k}", child);
        }
    }

    /// <inheritdoc />
    public float[] GetParameter(string name)
    {
        if (!_byName.TryGetValue(name, out TorchSharp.Modules.Parameter? parameter))
            throw new KeyNotFoundException($"the bit estimator has no parameter '{name}'");
        using Tensor values = parameter.detach().to(ScalarType.Float32).cpu().flatten();
        return values.data<float>().ToArray();
    }

    /// <summary>
    /// The learned CDF at <paramref name="x"/> (B, N, H, W), differentiable in x and in the parameters:
    /// <c>sigmoid(f4(f3(f2(f1(x)))))</c>, <c>f_k(x) = x·softplus(h) + b (+ tanh(x)·tanh(a) for k &lt; 4)</c>.
    /// </summary>
    public Tensor Cdf(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        for (int k = 1; k <= 4; k++)
        {
            x = x * nn.functional.softplus(_byName[$"f{k}.h"]) + _byName[$"f{k}.b"];
            if (k < 4)
                x = x + x.tanh() * _byName[$"f{k}.a"].tanh();
        }
        return x.sigmoid().MoveToOuterDisposeScope();
    }

    /// <summary>A module that only holds named parameters (official <c>f1</c> … <c>f4</c>).</summary>
    private sealed class ParameterHolder(string name) : nn.Module(name)
    {
        public void Add(string parameterName, TorchSharp.Modules.Parameter parameter) => register_parameter(parameterName, parameter);
    }
}
