namespace EVC.Stream.Model.Deterministic;

/// <summary>
/// One version of deterministic mode's arithmetic (spec: <c>docs/determinism.md</c>): how many fraction bits an
/// activation integer has, the element type that holds it, the bound below which every partial sum of a convolution
/// is an exactly represented integer, and how a convolution's input clamp and weight exponents are chosen.
/// </summary>
internal sealed record FixedPointArithmetic
{
    /// <summary>
    /// Version 1: float64 activations at 2^-16, 15-bit weights, sums below 2^53; the clamp follows from the weights.
    /// Exact, but float64 runs at a half (CPU SIMD) to a 1/64 (consumer GPUs) of the float32 rate.
    /// </summary>
    public static readonly FixedPointArithmetic Version1 = new()
    {
        Version = 1, ActivationBits = 16, ElementType = ScalarType.Float64, ExactLimit = 9007199254740992.0,
    };

    /// <summary>
    /// Version 2: float32 activations at 2^-12 between layers; every convolution reads its input at a coarser
    /// resolution (<see cref="TrunkInput"/>, <see cref="InnerInput"/>) so that every product and partial sum is an
    /// integer below 2^24 — exactly represented in float32, so any float32 GEMM (CPU SIMD, cuBLAS, any order, with or
    /// without FMA) and any int32 kernel give the same integers. Each output channel gets the largest weight exponent
    /// that keeps its sums below 2^24 at the input's clamp.
    /// </summary>
    public static readonly FixedPointArithmetic Version2 = new()
    {
        Version = 2, ActivationBits = 12, ElementType = ScalarType.Float32, ExactLimit = 16777216.0,
        TrunkInput = new FixedPointInput(Range: 64, Bits: 5),
        InnerInput = new FixedPointInput(Range: 16, Bits: 7),
    };

    /// <summary>The version byte streams carry.</summary>
    public required int Version { get; init; }

    /// <summary>Fraction bits of every activation integer.</summary>
    public required int ActivationBits { get; init; }

    /// <summary>The tensor element type activation integers are held in.</summary>
    public required ScalarType ElementType { get; init; }

    /// <summary>Integers of smaller magnitude are exact in <see cref="ElementType"/>; every partial sum stays below it.</summary>
    public required double ExactLimit { get; init; }

    /// <summary>
    /// Version 2 and later: how convolutions on the residual trunk (block inputs, the ConvFFN's expansion, upsampling) read
    /// their input — larger values, up to ≈ 50 in real units. Null in version 1 (inputs at full resolution, the clamp
    /// derived from the weights).
    /// </summary>
    public FixedPointInput? TrunkInput { get; init; }

    /// <summary>Version 2 and later: how convolutions after an activation (depthwise, DepthConv's conv2, the ConvFFN's projection) read their input.</summary>
    public FixedPointInput? InnerInput { get; init; }

    /// <summary>2^ActivationBits: the activation integer of 1.0.</summary>
    public double One => Math.ScaleB(1.0, ActivationBits);

    /// <summary>The arithmetic of a stream's deterministic-mode version.</summary>
    /// <exception cref="InvalidDataException">A version this build does not know.</exception>
    public static FixedPointArithmetic OfVersion(int version) => version switch
    {
        1 => Version1,
        2 => Version2,
        _ => throw new InvalidDataException($"deterministic mode version {version}; this build knows versions 1 and 2"),
    };
}
