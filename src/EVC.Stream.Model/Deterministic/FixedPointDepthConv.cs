namespace EVC.Stream.Model.Deterministic;

/// <summary>Official prior-variant <c>DepthConv</c> on fixed point: 1x1, LeakyReLU(0.01), depthwise 3x3, 1x1, plus shortcut.</summary>
internal sealed class FixedPointDepthConv : IFixedPointLayer
{
    private readonly FixedPointConv _conv1, _depthConv, _conv2;
    private readonly FixedPointConv? _adaptor;

    /// <summary>Quantises the block whose parameters start with <paramref name="prefix"/>.</summary>
    public FixedPointDepthConv(IReadOnlyDictionary<string, Tensor> state, string prefix, Device device, FixedPointArithmetic arithmetic)
    {
        ArgumentNullException.ThrowIfNull(state);
        _conv1 = Conv(state, prefix + "conv1.0.", device, arithmetic);
        _depthConv = Conv(state, prefix + "depth_conv.", device, arithmetic, innerInput: true);
        _conv2 = Conv(state, prefix + "conv2.", device, arithmetic, innerInput: true);
        if (state.ContainsKey(prefix + "adaptor.weight"))
            _adaptor = Conv(state, prefix + "adaptor.", device, arithmetic);
    }

    /// <inheritdoc />
    public IEnumerable<FixedPointConv> Convolutions => _adaptor is null ? [_conv1, _depthConv, _conv2] : [_conv1, _depthConv, _conv2, _adaptor];

    internal static FixedPointConv Conv(IReadOnlyDictionary<string, Tensor> state, string prefix, Device device, FixedPointArithmetic arithmetic,
        bool innerInput = false) =>
        new(state[prefix + "weight"], state[prefix + "bias"], device, arithmetic, prefix.TrimEnd('.'), innerInput);

    /// <inheritdoc />
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor identity = _adaptor is null ? x : _adaptor.Forward(x);
        Tensor output = _conv2.Forward(_depthConv.Forward(FixedPoint.LeakyRelu(_conv1.Forward(x), 0.01)));
        return output.add_(identity).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _conv1.Dispose();
        _depthConv.Dispose();
        _conv2.Dispose();
        _adaptor?.Dispose();
    }
}
