namespace EVC.Stream.Model.Deterministic;

/// <summary>A layer on fixed-point activations (see <see cref="FixedPoint"/>).</summary>
internal interface IFixedPointLayer : IDisposable
{
    /// <summary>Maps activation integers (held in the arithmetic's element type) to activation integers.</summary>
    Tensor Forward(Tensor x);

    /// <summary>The convolutions inside, for diagnostics.</summary>
    IEnumerable<FixedPointConv> Convolutions { get; }
}
