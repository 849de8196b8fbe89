using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// The multiply-adds of each network of an EVC model for one padded frame, counted analytically from the official
/// module tree (a convolution costs <c>out · in/groups · kh · kw</c> per output pixel, at the resolution it runs at).
/// Deterministic mode runs the entropy-parameter networks in fixed point: they are counted the same.
/// </summary>
/// <param name="Encoder"><c>enc</c>, or every <c>encs.i</c> of a scalable model (its highest level runs them all).</param>
/// <param name="HyperEncoder"><c>hyper_enc</c>.</param>
/// <param name="HyperDecoder"><c>hyper_dec</c>.</param>
/// <param name="PriorFusion"><c>y_prior_fusion</c>.</param>
/// <param name="SpatialPrior"><c>y_spatial_prior</c> (one run per frame on each side, between the two passes).</param>
/// <param name="Decoder"><c>dec</c>.</param>
/// <param name="Pixels">The padded frame's pixels.</param>
public sealed record FrameMultiplyAdds(long Encoder, long HyperEncoder, long HyperDecoder, long PriorFusion, long SpatialPrior, long Decoder, long Pixels)
{
    /// <summary>The entropy-parameter networks both sides run: <c>hyper_dec</c>, <c>y_prior_fusion</c>, <c>y_spatial_prior</c>.</summary>
    public long EntropyParameters => HyperDecoder + PriorFusion + SpatialPrior;

    /// <summary>Every network once: the model's complexity for encode and decode together (the shared priors counted once).</summary>
    public long EveryNetworkOnce => Encoder + HyperEncoder + EntropyParameters + Decoder;

    /// <summary>
    /// What one frame costs in <paramref name="stage"/>, one of <see cref="SpeedBenchmark.Stages"/>: the encoder network
    /// is <c>enc</c>; hyperprior and priors are <c>hyper_enc</c> and the entropy parameters; entropy decoding runs the
    /// entropy parameters again; the decoder network is <c>dec</c>; entropy encoding has no multiply-adds.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown stage.</exception>
    public long ForStage(string stage) => stage switch
    {
        CodecStageTiming.EncoderNetwork => Encoder,
        CodecStageTiming.HyperpriorAndPriors => HyperEncoder + EntropyParameters,
        CodecStageTiming.EntropyEncoding => 0,
        CodecStageTiming.EntropyDecodingAndPriors => EntropyParameters,
        CodecStageTiming.DecoderNetwork => Decoder,
        _ => throw new ArgumentException($"unknown stage '{stage}'", nameof(stage)),
    };

    /// <summary>Counts <paramref name="model"/>'s networks for a frame of <paramref name="paddedWidth"/> x <paramref name="paddedHeight"/> (already padded).</summary>
    /// <exception cref="NotSupportedException">The model holds a layer whose cost is not known.</exception>
    public static FrameMultiplyAdds Of(EvcModel model, int paddedWidth, int paddedHeight)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(paddedWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(paddedHeight);
        var image = new FeatureShape(3, paddedHeight, paddedWidth);
        var children = model.named_children().ToDictionary(c => c.name, c => c.module);
        long encoder = 0;
        FeatureShape y = default;
        if (children.TryGetValue("enc", out nn.Module? enc))
        {
            encoder = MultiplyAddCounter.Count(enc, image, out y);
        }
        else
        {
            foreach ((_, nn.Module level) in children["encs"].named_children())
                encoder += MultiplyAddCounter.Count(level, image, out y);
        }
        long hyperEncoder = MultiplyAddCounter.Count(model.HyperEncoder, y, out FeatureShape z);
        long hyperDecoder = MultiplyAddCounter.Count(model.HyperDecoder, z, out FeatureShape hyper);
        long fusion = MultiplyAddCounter.Count(model.PriorFusion, hyper, out _);
        // Its input: both halves of pass 0's ŷ, the hyperprior's means and scales, the quantisation step (4N channels).
        long spatial = MultiplyAddCounter.Count(model.SpatialPrior, y with { Channels = 4 * y.Channels }, out _);
        long decoder = MultiplyAddCounter.Count(model.Decoder, y, out _);
        return new FrameMultiplyAdds(encoder, hyperEncoder, hyperDecoder, fusion, spatial, decoder, (long)paddedWidth * paddedHeight);
    }
}
