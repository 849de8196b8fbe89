using TorchSharp;
using TorchSharp.Modules;

namespace EVC.Stream.Model.Models;

/// <summary>
/// The float networks of an <see cref="EvcModel"/> in another number format or memory layout: a copy of its analysis
/// transforms (<c>enc</c> or <c>encs</c>), hyper encoder (<c>hyper_enc</c>) and synthesis transform (<c>dec</c>) with
/// bf16 (or float32) weights, made once from the model's float32 weights (which stay as they are: training, saving and
/// plain fp32 coding use them). Inputs are cast to the copy's type and outputs back to float32; the last synthesis
/// layer (a 1x1 convolution to the 12 sub-pixel planes) stays float32, since bf16's 8-bit significand would round the
/// pixels themselves to about 1/256. Optionally weights and activations are channels-last (NHWC strides).
/// </summary>
internal sealed class TransformCopy : IDisposable
{
    private readonly EvcModel _copy;
    private readonly nn.Module<Tensor, Tensor>[] _synthesis;
    private readonly nn.Module<Tensor, Tensor> _lastSynthesis;

    /// <summary>Copies <paramref name="model"/>'s weights (on its device) and casts the transforms.</summary>
    public TransformCopy(EvcModel model, ScalarType type, bool channelsLast)
    {
        ArgumentNullException.ThrowIfNull(model);
        Type = type;
        ChannelsLast = channelsLast;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _copy = new EvcModel(model.Architecture);
        _copy.to(model.QBasic.device);
        _copy.load_state_dict(model.state_dict());
        foreach (var (name, child) in _copy.named_children())
        {
            if (name is "enc" or "encs" or "hyper_enc")
                Cast(child);
        }
        _synthesis = [.. _copy.SynthesisBody];
        _lastSynthesis = _copy.SynthesisOutputLayer;
        foreach (nn.Module layer in _synthesis)
            Cast(layer);
        _copy.DetachFromDisposeScopes();
    }

    /// <summary>The weights' and activations' type: BFloat16 or Float32.</summary>
    public ScalarType Type { get; }

    /// <summary>Whether weights and activations are channels-last.</summary>
    public bool ChannelsLast { get; }

    /// <summary>The analysis transform of <see cref="EvcModel.Analyse"/> in the copy's type: float32 (N, 3, H, W) in, float32 y out.</summary>
    public Tensor Analyse(Tensor x, int level)
    {
        using var scope = NewDisposeScope();
        return Output(_copy.Analyse(Input(x), level)).MoveToOuterDisposeScope();
    }

    /// <summary><c>hyper_enc</c> in the copy's type: float32 y in, float32 z out.</summary>
    public Tensor HyperEncode(Tensor y)
    {
        using var scope = NewDisposeScope();
        return Output(_copy.HyperEncoder.forward(Input(y))).MoveToOuterDisposeScope();
    }

    /// <summary><c>dec</c> in the copy's type up to its last layer, which runs in float32: float32 ŷ·curr_q in, float32 x̂ (unclamped) out.</summary>
    public Tensor Synthesise(Tensor latent)
    {
        using var scope = NewDisposeScope();
        Tensor h = Input(latent);
        foreach (nn.Module<Tensor, Tensor> layer in _synthesis)
            h = layer.call(h);
        return _lastSynthesis.call(Output(h)).MoveToOuterDisposeScope();
    }

    /// <summary>Releases the copy.</summary>
    public void Dispose() => _copy.Dispose();

    private Tensor Input(Tensor x)
    {
        Tensor half = x.to(Type);
        return ChannelsLast ? ToChannelsLast(half) : half;
    }

    private static Tensor Output(Tensor x) => x.to(ScalarType.Float32).contiguous();

    /// <summary>The same NCHW tensor with NHWC strides (TorchSharp has no <c>memory_format</c> argument).</summary>
    private static Tensor ToChannelsLast(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    private void Cast(nn.Module module)
    {
        module.to(Type);
        if (!ChannelsLast)
            return;
        foreach (nn.Module sub in module.modules())
        {
            if (sub is Conv2d conv)
                conv.weight = new Parameter(ToChannelsLast(conv.weight!.detach()), requires_grad: false);
        }
    }
}
