using TorchSharp;
using EVC.Stream.Model.EntropyModels;

namespace EVC.Stream.Training;

/// <summary>
/// The variable-rate rate-distortion objective of EVC training (paper section 3.3): each sample of a batch draws one of
/// the model's rate anchors i, is coded with that anchor's learnable q_scale (<c>curr_q = max(q_basic, ½)·q_scale[i]</c>)
/// and weighs its distortion with the anchor's λ_i; the loss is the batch mean of <c>λ_i·255²·MSE_i + bpp_i</c>.
/// Quantisation proxy: the rate terms see additive uniform noise (a differentiable density of the rounded value),
/// the decoder side sees straight-through rounding (the values it will see at test time, with identity gradients) —
/// the usual split for hyperprior models with means. The graph mirrors <see cref="DualSpatialPrior.Compress"/>.
/// </summary>
public static class VariableRateRdObjective
{
    // The constants as Scalars that live for the whole process. TorchSharp 0.107 turns `tensor - 0.5` into a temporary
    // Scalar it never keeps alive across the native call; with data-parallel workers allocating, the GC finalised one
    // mid-call once ("Unknown scalar type" in sub, after 457 steps of a --workers 2 run), killing the run.
    private static readonly Scalar Half = 0.5.ToScalar();
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar MinScale = 0.11.ToScalar();
    private static readonly Scalar Epsilon = 1e-9.ToScalar();
    private static readonly Scalar Sqrt2 = Math.Sqrt(2).ToScalar();

    /// <summary>λ of each rate anchor (the official values).</summary>
    public static IReadOnlyList<double> Lambdas => QScale.AnchorLambdas;

    /// <summary>The loss to back-propagate and its parts (means over the batch).</summary>
    public sealed record Result(Tensor Loss, double Bpp, double Mse, double Psnr);

    /// <summary>
    /// One forward pass on a batch <paramref name="x"/> (B, 3, H, W), H and W multiples of 64; scalable models code
    /// at <paramref name="encoderLevel"/> (−1: the highest). With <paramref name="networkType"/> the networks take
    /// their input in that type and give float32 back, the synthesis transform's last layer running in float32
    /// (<see cref="Bf16Shadow"/>); the rate terms are float32 either way. The quantisation noise comes from
    /// <paramref name="noise"/>, else from torch's default generator.
    /// </summary>
    public static Result Forward(EvcModel model, Tensor x, int[] rateIndexes, int encoderLevel = -1, ScalarType? networkType = null, Generator? noise = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(rateIndexes);
        long batch = x.shape[0];
        double pixels = x.shape[2] * x.shape[3];
        Device device = x.device;
        using var scope = NewDisposeScope();

        Tensor anchors = tensor(rateIndexes.Select(i => (long)i).ToArray(), device: device);
        Tensor currQ = model.QBasic.clamp_min(Half) * model.QScaleAnchors.index_select(0, anchors);  // (B, N, 1, 1)
        Tensor y = Network(input => model.Analyse(input, encoderLevel), x, networkType) / currQ;
        Tensor z = Network(model.HyperEncoder.forward, y, networkType);
        Tensor zBits = FactorizedBits(model, z + Noise(z, noise));
        Tensor[] prior = Network(input => model.PriorFusion.forward(model.HyperDecoder.forward(input)), RoundStraightThrough(z), networkType)
            .chunk(3, 1);  // q_step, scales, means

        (Tensor mask0, Tensor mask1) = DualSpatialPrior.Masks(y.shape[2], y.shape[3], y.dtype, device);
        Tensor step = prior[0].clamp_min(Half);
        Tensor[] yHalves = (y / step).chunk(2, 1);
        Tensor[] scaleHalves = prior[1].chunk(2, 1);
        Tensor[] meanHalves = prior[2].chunk(2, 1);
        var (hat00, bits00) = Pass(yHalves[0], scaleHalves[0], meanHalves[0], mask0, noise);
        var (hat11, bits11) = Pass(yHalves[1], scaleHalves[1], meanHalves[1], mask1, noise);
        Tensor[] parts = Network(model.SpatialPrior.forward, cat(new[] { hat00, hat11, prior[2], prior[1], step }, 1), networkType).chunk(4, 1);
        var (hat01, bits01) = Pass(yHalves[0], parts[0], parts[1], mask1, noise);
        var (hat10, bits10) = Pass(yHalves[1], parts[2], parts[3], mask0, noise);
        Tensor yHat = cat(new[] { hat00 + hat01, hat11 + hat10 }, 1) * step;
        Tensor xHat = Synthesise(model, yHat * currQ, networkType);

        using Scalar pixelCount = pixels;
        Tensor bpp = (zBits + bits00 + bits11 + bits01 + bits10).div(pixelCount);        // (B)
        Tensor mse = (xHat - x).square().mean(new long[] { 1, 2, 3 });                     // (B)
        Tensor lambda = tensor(rateIndexes.Select(i => Lambdas[i] * 255 * 255).ToArray(), device: device).to(ScalarType.Float32);
        Tensor loss = (lambda * mse + bpp).mean();
        double meanMse = mse.mean().item<float>();
        return new Result(loss.MoveToOuterDisposeScope(), bpp.mean().item<float>(), meanMse, 10 * Math.Log10(1 / Math.Max(meanMse, 1e-12)));
    }

    private static Tensor Network(Func<Tensor, Tensor> network, Tensor input, ScalarType? type) =>
        type is ScalarType cast ? network(input.to(cast)).to(ScalarType.Float32) : network(input);

    private static Tensor Synthesise(EvcModel model, Tensor latent, ScalarType? type)
    {
        if (type is not ScalarType cast)
            return model.Decoder.forward(latent);
        Tensor h = latent.to(cast);
        foreach (nn.Module<Tensor, Tensor> layer in model.SynthesisBody)
            h = layer.call(h);
        return model.SynthesisOutputLayer.call(h.to(ScalarType.Float32));
    }

    /// <summary>Straight-through rounding: the value of round(x), the gradient of x.</summary>
    public static Tensor RoundStraightThrough(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x + (x.round() - x).detach();
    }

    private static Tensor Noise(Tensor like, Generator? generator) =>
        (generator is null ? rand_like(like) : rand(like.shape, like.dtype, like.device, generator: generator)).sub_(Half);

    /// <summary>One spatial-prior pass: the decoder's ŷ (rounded straight through) and the bits of the noisy residual at the mask.</summary>
    private static (Tensor Hat, Tensor Bits) Pass(Tensor y, Tensor scales, Tensor means, Tensor mask, Generator? noise)
    {
        Tensor residual = (y - means) * mask;
        Tensor hat = (RoundStraightThrough(residual) + means) * mask;
        Tensor noisy = residual + Noise(residual, noise) * mask;
        Tensor sigma = scales.clamp_min(MinScale);
        Tensor probability = Phi(noisy.add(Half) / sigma) - Phi(noisy.sub(Half) / sigma);
        Tensor bits = (probability.add(Epsilon).log2().neg() * mask).sum(new long[] { 1, 2, 3 });
        return (hat, bits);
    }

    private static Tensor Phi(Tensor x) => special.erf(x.div(Sqrt2)).add(One).mul(Half);

    private static Tensor FactorizedBits(EvcModel model, Tensor z)
    {
        Tensor probability = model.BitEstimatorZ.Cdf(z.add(Half)) - model.BitEstimatorZ.Cdf(z.sub(Half));
        return probability.add(Epsilon).log2().neg().sum(new long[] { 1, 2, 3 });
    }
}
