using EVC.Stream.Model.EntropyModels;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Model.Deterministic;

/// <summary>
/// Deterministic stream mode (any version of <see cref="FixedPointArithmetic"/>): everything the entropy coder's distributions depend on — <c>hyper_dec</c>,
/// <c>y_prior_fusion</c>, the dual spatial prior's <c>y_spatial_prior</c>, the means added back to the symbols, and the
/// scale → index step — computed in exact fixed point (<see cref="FixedPoint"/>), so that encoder and decoder agree
/// bit for bit on any device, batch size and thread count. The weights are quantised from the float checkpoint at load:
/// no training. Only the encoder's analysis (y, z) and the decoder's synthesis (x̂ from ŷ) stay float; they change
/// what is coded and the pixels, never the synchronisation of the entropy coder.
/// </summary>
internal sealed class DeterministicEntropyParameters : IDisposable
{
    private readonly FixedPointSequence _hyperDecoder, _priorFusion, _spatialPrior;
    private readonly ScalarType _type;
    private readonly double _one;

    /// <summary>Quantises the entropy-parameter networks of a loaded model (on the model's device) for <paramref name="arithmetic"/>.</summary>
    public DeterministicEntropyParameters(EvcModel model, FixedPointArithmetic arithmetic)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(arithmetic);
        Arithmetic = arithmetic;
        _type = arithmetic.ElementType;
        _one = arithmetic.One;
        Device device = model.QBasic.device;
        Dictionary<string, Tensor> state = model.state_dict();
        _hyperDecoder = new FixedPointSequence(state, "hyper_dec", 3, device, arithmetic);
        _priorFusion = new FixedPointSequence(state, "y_prior_fusion", 2, device, arithmetic);
        _spatialPrior = new FixedPointSequence(state, "y_spatial_prior", 3, device, arithmetic);
    }

    /// <summary>The arithmetic these networks were quantised for.</summary>
    public FixedPointArithmetic Arithmetic { get; }

    /// <summary>Every quantised convolution (hyper decoder, prior fusion, spatial prior), for diagnostics.</summary>
    public IEnumerable<FixedPointConv> Convolutions => [.. _hyperDecoder.Convolutions, .. _priorFusion.Convolutions, .. _spatialPrior.Convolutions];

    /// <summary>ẑ (integers) → (q_step, scales, means) as activation integers, each (B, N, H/16, W/16).</summary>
    public (Tensor QStep, Tensor Scales, Tensor Means) Prior(Tensor zHat)
    {
        ArgumentNullException.ThrowIfNull(zHat);
        using var scope = NewDisposeScope();
        Tensor z = zHat.to(_type) * _one;
        Tensor[] parts = _priorFusion.Forward(_hyperDecoder.Forward(z)).chunk(3, 1);
        return (parts[0].MoveToOuterDisposeScope(), parts[1].MoveToOuterDisposeScope(), parts[2].MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The dual spatial prior's encoder side (<see cref="DualSpatialPrior.Compress"/>) on fixed point. Scales and means
    /// in the result are float32 reals converted from the exact integers (a correctly rounded, device-independent step).
    /// </summary>
    public DualSpatialPrior.Encoded Compress(Tensor y, (Tensor QStep, Tensor Scales, Tensor Means) prior)
    {
        ArgumentNullException.ThrowIfNull(y);
        (Tensor mask0, Tensor mask1) = DualSpatialPrior.Masks(y.shape[2], y.shape[3], _type, y.device);
        Tensor step = prior.QStep.clamp_min(0.5 * _one);
        Tensor stepReal = ToReal(step);
        Tensor[] yHalves = (y.to(_type) / stepReal).chunk(2, 1);
        Tensor[] scaleHalves = prior.Scales.chunk(2, 1);
        Tensor[] meanHalves = prior.Means.chunk(2, 1);

        var (q00, hat00, scales00, means00) = ProcessWithMask(yHalves[0], scaleHalves[0], meanHalves[0], mask0);
        var (q11, hat11, scales11, means11) = ProcessWithMask(yHalves[1], scaleHalves[1], meanHalves[1], mask1);

        Tensor spatial = _spatialPrior.Forward(cat(new[] { hat00, hat11, prior.Means, prior.Scales, step }, 1));
        Tensor[] parts = spatial.chunk(4, 1);  // scales_0, means_0, scales_1, means_1
        var (q01, hat01, scales01, means01) = ProcessWithMask(yHalves[0], parts[0], parts[1], mask1);
        var (q10, hat10, scales10, means10) = ProcessWithMask(yHalves[1], parts[2], parts[3], mask0);

        Tensor yHat = SynthesisInput(hat00 + hat01, hat11 + hat10, stepReal);
        return new DualSpatialPrior.Encoded((q00 + q11).to(ScalarType.Float32), (q01 + q10).to(ScalarType.Float32),
            Real32(scales00 + scales11), Real32(scales01 + scales10), yHat, Real32(means00 + means11), Real32(means01 + means10), Real32(spatial));
    }

    /// <summary>
    /// The decoder side (<see cref="DualSpatialPrior.Decompress"/>) on fixed point: <paramref name="decodePass"/> gets
    /// each pass's packed scales (float32 reals, exactly as the encoder converted them) and returns its symbols.
    /// Returns ŷ (float32, before multiplying by curr_q).
    /// </summary>
    public Tensor Decompress((Tensor QStep, Tensor Scales, Tensor Means) prior, Func<Tensor, Tensor> decodePass)
    {
        ArgumentNullException.ThrowIfNull(decodePass);
        Tensor means = prior.Means;
        (Tensor mask0, Tensor mask1) = DualSpatialPrior.Masks(means.shape[2], means.shape[3], _type, means.device);
        Tensor step = prior.QStep.clamp_min(0.5 * _one);
        Tensor[] scaleHalves = prior.Scales.chunk(2, 1);
        Tensor[] meanHalves = means.chunk(2, 1);

        Tensor q0 = decodePass(Real32(scaleHalves[0] * mask0 + scaleHalves[1] * mask1)).to(_type) * _one;
        Tensor hat00 = (q0 + meanHalves[0]) * mask0;
        Tensor hat11 = (q0 + meanHalves[1]) * mask1;

        Tensor[] parts = _spatialPrior.Forward(cat(new[] { hat00, hat11, means, prior.Scales, step }, 1)).chunk(4, 1);
        Tensor q1 = decodePass(Real32(parts[0] * mask1 + parts[2] * mask0)).to(_type) * _one;
        Tensor hat01 = (q1 + parts[1]) * mask1;
        Tensor hat10 = (q1 + parts[3]) * mask0;
        return SynthesisInput(hat00 + hat01, hat11 + hat10, ToReal(step));
    }

    /// <summary>Activation integers → real values (exact: a power-of-two scaling), as float32.</summary>
    public Tensor Real32(Tensor integers) => ToReal(integers).to(ScalarType.Float32);

    private Tensor ToReal(Tensor integers) => integers * (1.0 / _one);

    private Tensor SynthesisInput(Tensor half0, Tensor half1, Tensor stepReal) =>
        (ToReal(cat(new[] { half0, half1 }, 1)) * stepReal).to(ScalarType.Float32);

    /// <summary>Official <c>process_with_mask</c> with integer means: q = round(y − mean) at the mask, ŷ = q + mean.</summary>
    private (Tensor Q, Tensor Hat, Tensor Scales, Tensor Means) ProcessWithMask(Tensor yScaled, Tensor scales, Tensor means, Tensor mask)
    {
        Tensor scalesHat = scales * mask;
        Tensor meansHat = means * mask;
        Tensor q = ((yScaled - ToReal(meansHat)) * mask).round();
        return (q, q * _one + meansHat, scalesHat, meansHat);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _hyperDecoder.Dispose();
        _priorFusion.Dispose();
        _spatialPrior.Dispose();
    }
}
