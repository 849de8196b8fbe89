namespace EVC.Stream.Model.Layers;

/// <summary>
/// ConvFFN — EVC's convolutional feed-forward block: two 1x1 convolutions with a residual connection.
/// <see cref="DepthConvVariant.Transform"/>: 4× expansion with ReLU (<c>layers.py</c>);
/// <see cref="DepthConvVariant.Prior"/>: expansion <c>max(min(4c, 1024), 2c)</c> with LeakyReLU(0.1) (<c>hyperprior.py</c>).
/// </summary>
internal sealed class ConvFFN : EvcLayer
{
    private readonly nn.Module<Tensor, Tensor> _conv;

    /// <summary>Creates the block.</summary>
    public ConvFFN(long channels, DepthConvVariant variant, double slope = 0.1) : base(nameof(ConvFFN))
    {
        if (variant == DepthConvVariant.Transform)
        {
            long inner = channels * 4;
            _conv = Child("conv", Sequential(Conv(channels, inner, 1), nn.ReLU(inplace: true), Conv(inner, channels, 1), nn.ReLU(inplace: true)));
        }
        else
        {
            long inner = Math.Max(Math.Min(channels * 4, 1024), channels * 2);
            _conv = Child("conv", Sequential(Conv(channels, inner, 1), new LeakyRelu(slope), Conv(inner, channels, 1), new LeakyRelu(slope)));
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => x + _conv.call(x);
}
