namespace EVC.Stream.Model.Deterministic;

/// <summary>
/// Official <c>DepthConvBlock</c> (prior variant) and <c>DepthConvBlockUpsample</c> on fixed point: DepthConv, ConvFFN,
/// and for the upsampling block a 1x1 convolution and a pixel shuffle (a permutation: exact).
/// </summary>
internal sealed class FixedPointDepthConvBlock : IFixedPointLayer
{
    private readonly FixedPointDepthConv _depthConv;
    private readonly FixedPointConvFFN _ffn;
    private readonly FixedPointConv? _upsample;

    /// <summary>Quantises the block whose parameters start with <paramref name="prefix"/>.</summary>
    public FixedPointDepthConvBlock(IReadOnlyDictionary<string, Tensor> state, string prefix, Device device, FixedPointArithmetic arithmetic)
    {
        ArgumentNullException.ThrowIfNull(state);
        _depthConv = new FixedPointDepthConv(state, prefix + "block.0.", device, arithmetic);
        _ffn = new FixedPointConvFFN(state, prefix + "block.1.", device, arithmetic);
        if (state.ContainsKey(prefix + "block.2.weight"))
            _upsample = FixedPointDepthConv.Conv(state, prefix + "block.2.", device, arithmetic);
    }

    /// <inheritdoc />
    public IEnumerable<FixedPointConv> Convolutions =>
        _upsample is null ? [.. _depthConv.Convolutions, .. _ffn.Convolutions] : [.. _depthConv.Convolutions, .. _ffn.Convolutions, _upsample];

    /// <inheritdoc />
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor output = _ffn.Forward(_depthConv.Forward(x));
        if (_upsample is not null)
            output = nn.functional.pixel_shuffle(_upsample.Forward(output), 2);
        return output.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _depthConv.Dispose();
        _ffn.Dispose();
        _upsample?.Dispose();
    }
}
