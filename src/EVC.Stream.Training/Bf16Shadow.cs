using TorchSharp;
using TorchSharp.Modules;

namespace EVC.Stream.Training;

/// <summary>
/// Mixed-precision training on a CPU with native bfloat16 (TorchSharp has no autocast): a shadow copy of the model
/// whose networks — analysis, hyper encoder and decoder, prior fusion, spatial prior and synthesis up to its last
/// layer — hold bf16 weights, while the optimizer keeps the float32 master weights. Each step copies the master into
/// the shadow, runs forward and backward there (<see cref="VariableRateRdObjective.Forward"/> with
/// <see cref="Bf16"/> casts inputs in and outputs back to float32), and hands the shadow's gradients to the master as
/// float32. The rate terms (factorized prior of z, Gaussian likelihoods), the rate anchors and the last synthesis layer
/// stay float32: bf16's 8-bit significand would round the likelihoods and the pixels themselves.
/// </summary>
internal sealed class Bf16Shadow : IDisposable
{
    /// <summary>The networks cast to bf16 (official module names; <c>dec</c> without its last layer).</summary>
    private static readonly string[] s_networks = ["enc", "encs", "hyper_enc", "hyper_dec", "y_prior_fusion", "y_spatial_prior"];

    private readonly (Parameter Master, Parameter Shadow)[] _pairs;

    /// <summary>Builds the shadow of <paramref name="master"/> (on its device).</summary>
    public Bf16Shadow(EvcModel master)
    {
        ArgumentNullException.ThrowIfNull(master);
        using var noGrad = no_grad();
        Model = new EvcModel(master.Architecture);
        Model.to(master.QBasic.device);
        Model.load_state_dict(master.state_dict());
        foreach (var (name, child) in Model.named_children())
        {
            if (s_networks.Contains(name))
                child.to(Bf16);
        }
        foreach (nn.Module layer in Model.SynthesisBody)
            layer.to(Bf16);
        Model.train();
        Dictionary<string, Parameter> shadow = Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        _pairs = [.. master.named_parameters().Select(p => (p.parameter, shadow[p.name]))];
    }

    /// <summary>The type the shadow's networks compute in.</summary>
    public static ScalarType Bf16 => ScalarType.BFloat16;

    /// <summary>The shadow model to run the step's forward and backward on.</summary>
    public EvcModel Model { get; }

    /// <summary>Copies the master weights into the shadow (cast where the shadow is bf16) and clears its gradients.</summary>
    public void Refresh()
    {
        using var noGrad = no_grad();
        foreach (var (master, shadow) in _pairs)
        {
            shadow.copy_(master);
            shadow.grad = null;
        }
    }

    /// <summary>Sets each master gradient to the shadow's, as float32 (null where the step gave none).</summary>
    public void TransferGradients()
    {
        using var noGrad = no_grad();
        foreach (var (master, shadow) in _pairs)
        {
            Tensor? gradient = shadow.grad;
            master.grad = gradient is null ? null : gradient.to(ScalarType.Float32, copy: true);
        }
    }

    /// <summary>
    /// Sets each master gradient to the sum of the shadows' (of one master), as float32: data parallelism, where each
    /// shadow back-propagated its share of the batch's mean loss.
    /// </summary>
    public static void SumGradients(IReadOnlyList<Bf16Shadow> shadows)
    {
        ArgumentNullException.ThrowIfNull(shadows);
        using var noGrad = no_grad();
        for (int i = 0; i < shadows[0]._pairs.Length; i++)
        {
            Tensor? sum = null;
            foreach (Bf16Shadow shadow in shadows)
            {
                Tensor? gradient = shadow._pairs[i].Shadow.grad;
                if (gradient is not null)
                    sum = sum is null ? gradient.to(ScalarType.Float32, copy: true) : sum.add_(gradient);
            }
            shadows[0]._pairs[i].Master.grad = sum;
        }
    }

    /// <summary>Releases the shadow.</summary>
    public void Dispose() => Model.Dispose();
}
