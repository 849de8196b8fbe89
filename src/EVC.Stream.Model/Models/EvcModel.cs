using EVC.Stream.Entropy;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Conformance;
using EVC.Stream.Model.Deterministic;
using EVC.Stream.Model.EntropyModels;
using TorchSharp.Modules;

namespace EVC.Stream.Model.Models;

/// <summary>
/// An EVC image codec (Wang et al., ICLR 2023) with the official module tree and parameter names:
/// <c>enc</c> (or <c>encs.i</c> for scalable encoders), <c>dec</c>, <c>hyper_enc</c>, <c>hyper_dec</c>,
/// <c>y_prior_fusion</c>, <c>y_spatial_prior</c>, <c>bit_estimator_z</c>, <c>q_basic</c>, <c>q_scale</c>.
/// </summary>
public sealed class EvcModel : nn.Module
{
    private readonly nn.Module<Tensor, Tensor>? _enc;
    private readonly nn.Module<Tensor, Tensor>[] _encs = [];
    private Lazy<CdfTable> _zTable;
    private Lazy<DeterministicEntropyParameters> _deterministic, _deterministicV1;
    private Lazy<ReferenceOrderPriors> _referenceOrder;
    private readonly Dictionary<(ScalarType, bool), TransformCopy> _transformCopies = [];

    static EvcModel()
    {
        try
        {
            TorchRuntime.DisableNnpack();  // no NNPACK warning flood on CPUs it does not support
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException)
        {
            // libtorch failed to load: the model's own construction reports it.
        }
    }

    /// <summary>Builds an untrained model of <paramref name="architecture"/> on the CPU.</summary>
    public EvcModel(EvcArchitecture architecture) : base(architecture?.Name ?? throw new ArgumentNullException(nameof(architecture)))
    {
        Architecture = architecture;
        long n = EvcArchitecture.LatentChannels;
        if (architecture.ScalableEncoders == 0)
        {
            _enc = Transforms.Analysis(architecture.Encoder!);
            register_module("enc", _enc);
        }
        else
        {
            _encs = new nn.Module<Tensor, Tensor>[architecture.ScalableEncoders];
            for (int i = 0; i < _encs.Length; i++)
                _encs[i] = Transforms.Analysis(Transforms.Small);
            register_module("encs", nn.ModuleList(_encs));
        }
        Decoder = Transforms.Synthesis(architecture.Decoder);
        register_module("dec", Decoder);
        HyperEncoder = Hyperprior.Encoder(n);
        register_module("hyper_enc", HyperEncoder);
        HyperDecoder = Hyperprior.Decoder(n);
        register_module("hyper_dec", HyperDecoder);
        PriorFusion = Hyperprior.PriorFusion(n);
        register_module("y_prior_fusion", PriorFusion);
        SpatialPrior = DualSpatialPrior.Network(n);
        register_module("y_spatial_prior", SpatialPrior);
        BitEstimatorZ = new BitEstimator(n);
        register_module("bit_estimator_z", BitEstimatorZ);
        QBasic = new Parameter(ones(1, n, 1, 1));
        register_parameter("q_basic", QBasic);
        QScaleAnchors = new Parameter(ones(QScale.AnchorCount, 1, 1, 1));
        register_parameter("q_scale", QScaleAnchors);
        _zTable = new Lazy<CdfTable>(() => FactorizedPrior.BuildTable(BitEstimatorZ));
        _deterministic = new Lazy<DeterministicEntropyParameters>(() => new DeterministicEntropyParameters(this, FixedPointArithmetic.Version2));
        _deterministicV1 = new Lazy<DeterministicEntropyParameters>(() => new DeterministicEntropyParameters(this, FixedPointArithmetic.Version1));
        _referenceOrder = new Lazy<ReferenceOrderPriors>(() => new ReferenceOrderPriors(this));
        eval();
        DetachFromDisposeScopes();
    }

    /// <summary>
    /// Takes the parameters out of any dispose scope open while the model was built or moved: a model lives as long as
    /// its owner, not as long as the scope of whichever frame happened to load it first.
    /// </summary>
    public void DetachFromDisposeScopes()
    {
        foreach (var (_, parameter) in named_parameters())
            parameter.DetachFromDisposeScope();
    }

    /// <summary>The architecture.</summary>
    public EvcArchitecture Architecture { get; }

    /// <summary><c>dec</c>.</summary>
    public nn.Module<Tensor, Tensor> Decoder { get; }

    /// <summary>
    /// <c>dec</c> without its last layer: the part a reduced-precision copy (bf16 coding, bf16 training) runs in its
    /// own type. The last layer, <see cref="SynthesisOutputLayer"/>, stays float32 everywhere.
    /// </summary>
    public IReadOnlyList<nn.Module<Tensor, Tensor>> SynthesisBody => [.. Decoder.children().Cast<nn.Module<Tensor, Tensor>>().SkipLast(1)];

    /// <summary>
    /// <c>dec</c>'s last layer (a 1x1 convolution to the 12 sub-pixel planes, then pixel shuffle), which every
    /// reduced-precision path runs in float32: bf16's 8-bit significand would round the pixels themselves to about 1/256.
    /// </summary>
    public nn.Module<Tensor, Tensor> SynthesisOutputLayer => Decoder.children().Cast<nn.Module<Tensor, Tensor>>().Last();

    /// <summary><c>hyper_enc</c>.</summary>
    public nn.Module<Tensor, Tensor> HyperEncoder { get; }

    /// <summary><c>hyper_dec</c>.</summary>
    public nn.Module<Tensor, Tensor> HyperDecoder { get; }

    /// <summary><c>y_prior_fusion</c>.</summary>
    public nn.Module<Tensor, Tensor> PriorFusion { get; }

    /// <summary><c>y_spatial_prior</c>.</summary>
    public nn.Module<Tensor, Tensor> SpatialPrior { get; }

    /// <summary><c>bit_estimator_z</c>.</summary>
    internal BitEstimator BitEstimatorZ { get; }

    /// <summary><c>q_basic</c> (1, N, 1, 1).</summary>
    public Parameter QBasic { get; }

    /// <summary><c>q_scale</c> (anchors, 1, 1, 1): the q_scale of each rate index.</summary>
    public Parameter QScaleAnchors { get; }

    /// <summary>The z CDF table of this model's weights (built on first use, after the checkpoint is loaded).</summary>
    public CdfTable ZTable => _zTable.Value;

    /// <summary>
    /// The fixed-point entropy-parameter networks of a deterministic stream mode's arithmetic version, quantised from
    /// these weights on first use and shared by every codec of this model (on the model's device: quantise after moving
    /// the model).
    /// </summary>
    internal DeterministicEntropyParameters DeterministicParametersOf(StreamMode mode) => mode switch
    {
        StreamMode.DeterministicV1 => _deterministicV1.Value,
        StreamMode.Deterministic => _deterministic.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "official mode has no fixed-point networks"),
    };

    /// <summary>
    /// The entropy-parameter networks of official mode in the official implementation's float32 summation order
    /// (bit-identical results, so official streams decode), copied from these weights on first use.
    /// </summary>
    internal ReferenceOrderPriors ReferenceOrderPriors => _referenceOrder.Value;

    /// <summary>
    /// Forgets the z table, the fixed-point and the reference-order networks and the transform copies so the next use rebuilds them from the current weights (after
    /// training steps or a move to another device).
    /// </summary>
    public void RefreshTables()
    {
        _zTable = new Lazy<CdfTable>(() => FactorizedPrior.BuildTable(BitEstimatorZ));
        if (_deterministic.IsValueCreated)
            _deterministic.Value.Dispose();
        if (_deterministicV1.IsValueCreated)
            _deterministicV1.Value.Dispose();
        _deterministic = new Lazy<DeterministicEntropyParameters>(() => new DeterministicEntropyParameters(this, FixedPointArithmetic.Version2));
        _deterministicV1 = new Lazy<DeterministicEntropyParameters>(() => new DeterministicEntropyParameters(this, FixedPointArithmetic.Version1));
        if (_referenceOrder.IsValueCreated)
            _referenceOrder.Value.Dispose();
        _referenceOrder = new Lazy<ReferenceOrderPriors>(() => new ReferenceOrderPriors(this));
        DisposeTransformCopies();
    }

    /// <summary>
    /// The transforms in <paramref name="type"/> (and channels-last when <paramref name="channelsLast"/>), copied from
    /// these weights on first use and shared by every codec of this model (on the model's device: copy after moving it).
    /// </summary>
    internal TransformCopy TransformCopy(ScalarType type, bool channelsLast)
    {
        lock (_transformCopies)
        {
            if (!_transformCopies.TryGetValue((type, channelsLast), out TransformCopy? copy))
                _transformCopies[(type, channelsLast)] = copy = new TransformCopy(this, type, channelsLast);
            return copy;
        }
    }

    private void DisposeTransformCopies()
    {
        lock (_transformCopies)
        {
            foreach (TransformCopy copy in _transformCopies.Values)
                copy.Dispose();
            _transformCopies.Clear();
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            DisposeTransformCopies();
        base.Dispose(disposing);
    }

    /// <summary>The q_scale of rate index <paramref name="rateIndex"/> as the float32 value the checkpoint holds.</summary>
    public float Anchor(int rateIndex) => QScale.Anchor(QScaleAnchors, rateIndex);

    /// <summary>Number of encoder levels: 1, or the number of scalable encoders.</summary>
    public int EncoderLevels => _enc is null ? _encs.Length : 1;

    /// <summary>
    /// The analysis transform. For scalable-encoder models (residual representation learning, EVC section 3.4),
    /// level k combines the first k+1 encoders as the official <c>scalable_add</c> does: <c>(Σ_{j&lt;k} y_j.detach() + y_k) / (k+1)</c>
    /// — in training only encoder k learns, the residual the lower levels leave; a lower level is cheaper and codes a
    /// little worse. <paramref name="level"/> −1 means the highest.
    /// </summary>
    public Tensor Analyse(Tensor x, int level = -1)
    {
        if (_enc is not null)
            return _enc.forward(x);
        if (level < 0 || level >= _encs.Length)
            level = _encs.Length - 1;
        if (level == 0)
            return _encs[0].forward(x);
        using var scope = NewDisposeScope();
        Tensor sum = _encs[0].forward(x).detach();
        for (int j = 1; j < level; j++)
            sum = sum + _encs[j].forward(x).detach();
        Tensor combined = (sum + _encs[level].forward(x)) / (level + 1);
        return combined.MoveToOuterDisposeScope();
    }
}
