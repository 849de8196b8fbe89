namespace EVC.Stream.Model.Deterministic;

/// <summary>A sequence of fixed-point blocks (an official <c>nn.Sequential</c> of DepthConvBlocks).</summary>
internal sealed class FixedPointSequence : IFixedPointLayer
{
    private readonly IFixedPointLayer[] _layers;

    /// <summary>Quantises the <paramref name="count"/> blocks <c>prefix.0.</c> … of an official Sequential.</summary>
    public FixedPointSequence(IReadOnlyDictionary<string, Tensor> state, string prefix, int count, Device device, FixedPointArithmetic arithmetic)
    {
        _layers = new IFixedPointLayer[count];
        for (int i = 0; i < count; i++)
            _layers[i] = new FixedPointDepthConvBlock(state, $"{prefix}.{i}.", device, arithmetic);
    }

    /// <inheritdoc />
    public IEnumerable<FixedPointConv> Convolutions
    {
        get
        {
            foreach (IFixedPointLayer layer in _layers)
                foreach (FixedPointConv conv in layer.Convolutions)
                    yield return conv;
        }
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor output = x;
        foreach (IFixedPointLayer layer in _layers)
            output = layer.Forward(output);
        return output.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (IFixedPointLayer layer in _layers)
            layer.Dispose();
    }
}
