namespace EVC.Stream.Model.Layers;

/// <summary>The two official DepthConv/ConvFFN variants.</summary>
internal enum DepthConvVariant
{
    /// <summary><c>layers.py</c>: analysis and synthesis transforms.</summary>
    Transform,

    /// <summary><c>hyperprior.py</c>: hyperprior, prior fusion and spatial prior.</summary>
    Prior,
}
