namespace EVC.Stream.Model.Deterministic;

/// <summary>Official prior-variant <c>ConvFFN</c> on fixed point: <c>x + lrelu(1x1(lrelu(1x1(x), 0.1)), 0.1)</c>.</summary>
internal sealed class FixedPointConvFFN : IFixedPointLayer
{
    private readonly FixedPointConv _expand, _project;

    /// <summary>Quantises the block whose parameters start with <paramref name="prefix"/>.</summary>
    public FixedPointConvFFN(IReadOnlyDictionary<string, Tensor> state, string prefix, Device device, FixedPointArithmetic arithmetic)
    {
        _expand = FixedPointDepthConv.Conv(state, prefix + "conv.0.", device, arithmetic);
        _project = FixedPointDepthConv.Conv(state, prefix + "conv.2.", device, arithmetic, innerInput: true);
    }

    /// <inheritdoc />
    public IEnumerable<FixedPointConv> Convolutions => [_expand, _project];

    /// <inheritdoc />
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor inner = FixedPoint.LeakyRelu(_expand.Forward(x), 0.1);
        return FixedPoint.LeakyRelu(_project.Forward(inner), 0.1).add_(x).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _expand.Dispose();
        _project.Dispose();
    }
}
