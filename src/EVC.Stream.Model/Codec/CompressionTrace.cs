namespace EVC.Stream.Model.Codec;

/// <summary>
/// The intermediate tensors and coder inputs of one compression by <see cref="ImageCodec"/> (for conformance checks
/// against the official implementation's tensors, and for rate estimation); disposed by the caller's scope.
/// </summary>
internal sealed record CompressionTrace(Tensor CurrQ, Tensor Y, Tensor Z, Tensor ZHat, Tensor PriorQStep, Tensor PriorScales, Tensor PriorMeans,
    Tensor SpatialPriorOutput, Tensor Pass0Scales, Tensor Pass1Scales, Tensor Pass0Means, Tensor Pass1Means,
    int[] ZSymbols, byte[] Pass0Indexes, byte[] Pass1Indexes, int[] Pass0Symbols, int[] Pass1Symbols, Tensor YHat);
