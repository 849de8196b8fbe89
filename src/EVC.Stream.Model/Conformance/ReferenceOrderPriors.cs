using EVC.Stream.Model.Models;

namespace EVC.Stream.Model.Conformance;

/// <summary>
/// The entropy-parameter networks of official stream mode — <c>hyper_dec</c>, <c>y_prior_fusion</c> and
/// <c>y_spatial_prior</c> — as <see cref="ReferenceOrderNetwork"/>s: the official implementation's float32 results,
/// bit for bit, so the scale → index decisions (and with them the rANS streams) are the official ones.
/// Built from the model's current weights; <see cref="EvcModel.RefreshTables"/> rebuilds it after training.
/// </summary>
internal sealed class ReferenceOrderPriors : IDisposable
{
    /// <summary>Copies the three networks' weights out of <paramref name="model"/>.</summary>
    public ReferenceOrderPriors(EvcModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Dictionary<string, Tensor> state = model.state_dict();
        HyperDecoder = new ReferenceOrderNetwork(state, "hyper_dec", 3);
        PriorFusion = new ReferenceOrderNetwork(state, "y_prior_fusion", 2);
        SpatialPrior = new ReferenceOrderNetwork(state, "y_spatial_prior", 3);
    }

    /// <summary><c>hyper_dec</c>.</summary>
    public ReferenceOrderNetwork HyperDecoder { get; }

    /// <summary><c>y_prior_fusion</c>.</summary>
    public ReferenceOrderNetwork PriorFusion { get; }

    /// <summary><c>y_spatial_prior</c>.</summary>
    public ReferenceOrderNetwork SpatialPrior { get; }

    /// <summary>ẑ → (q_step, scales, means), each (B, N, H/16, W/16): official <c>separate_prior</c> order.</summary>
    public Tensor[] Prior(Tensor zHat)
    {
        using Tensor hyper = HyperDecoder.forward(zHat);
        using Tensor fused = PriorFusion.forward(hyper);
        return fused.chunk(3, 1);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        HyperDecoder.Dispose();
        PriorFusion.Dispose();
        SpatialPrior.Dispose();
    }
}
