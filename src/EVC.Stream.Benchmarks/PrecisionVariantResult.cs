namespace EVC.Stream.Benchmarks;

/// <summary>One precision and layout at one frame size: median milliseconds per frame of each transform over the rounds.</summary>
/// <param name="Width">Frame width.</param>
/// <param name="Height">Frame height.</param>
/// <param name="Precision"><c>fp32</c> or <c>bf16</c>.</param>
/// <param name="ChannelsLast">Whether weights and activations were channels-last.</param>
/// <param name="EncoderMs">Median ms of the analysis transform (<c>enc</c>).</param>
/// <param name="HyperEncoderMs">Median ms of <c>hyper_enc</c>.</param>
/// <param name="DecoderMs">Median ms of the synthesis transform (<c>dec</c>).</param>
/// <param name="MaxAbsDifference">Largest |x̂ − x̂(fp32 NCHW)| of the clamped reconstruction from the same latent (0 for the reference itself).</param>
public sealed record PrecisionVariantResult(int Width, int Height, string Precision, bool ChannelsLast, double EncoderMs, double HyperEncoderMs, double DecoderMs, double MaxAbsDifference);
