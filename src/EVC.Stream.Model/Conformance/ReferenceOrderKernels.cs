using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EVC.Stream.Model.Conformance;

/// <summary>
/// The two convolutions of EVC's entropy-parameter networks, computed in float32 in exactly the order the official
/// implementation computes them (torch 1.13 as the reference kit ran it: 1 thread, batch 1, CPU). Every output element
/// is the same sequence of IEEE float32 operations as there, so the results are bit-identical; how the work is split
/// over cores or SIMD lanes cannot change them, because each element's own sequence never changes.
/// <list type="bullet">
/// <item>1x1 convolution: torch's <c>slow_conv2d</c> path (oneDNN is not used for 1x1 kernels with one thread and a
/// small batch) — the output is pre-filled with the bias and a column-major GEMM with β = 1 adds the products. The
/// reference BLAS <c>sgemm</c> loop is <c>C(i,j) = C(i,j) + B(l,j)·A(i,l)</c> over l in order, a rounded multiply
/// then a rounded add (no fused multiply-add).</item>
/// <item>Depthwise 3x3 convolution (padding 1): oneDNN's depthwise kernel — the accumulator starts at the bias and
/// each tap, row by row, is one fused multiply-add.</item>
/// </list>
/// Verified bit for bit against the official library on every convolution of <c>hyper_dec</c> and end to end
/// against the kit's tensors (see the conformance tests).
/// </summary>
internal static class ReferenceOrderKernels
{
    private const int Lanes = 8;
    private const int StripWidth = 3 * Lanes;  // pixels per register block
    private const int ChannelsPerBlock = 4;    // output channels per register block

    /// <summary>
    /// y[o, p] = b[o] + Σ_k w[o, k] · x[k, p], summed k = 0, 1, … with a rounded multiply and a rounded add per term.
    /// <paramref name="x"/> is (inChannels, pixels), <paramref name="weight"/> (outChannels, inChannels),
    /// <paramref name="y"/> (outChannels, pixels), all row-major.
    /// </summary>
    public static void Pointwise(ReadOnlySpan<float> x, int inChannels, int pixels, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> y, int outChannels) =>
        Pointwise(x, pixels, new PointwiseWeights(weight, bias, outChannels, inChannels), y, 0, pixels);

    /// <summary>
    /// The 1x1 convolution for the pixels <paramref name="firstPixel"/> up to (not including) <paramref name="endPixel"/>
    /// only, so that workers can share one convolution.
    /// </summary>
    public static void Pointwise(ReadOnlySpan<float> x, int pixels, PointwiseWeights weights, Span<float> y, int firstPixel, int endPixel)
    {
        ArgumentNullException.ThrowIfNull(weights);
        int inChannels = weights.InChannels, outChannels = weights.OutChannels;
        if (x.Length < inChannels * pixels || y.Length < outChannels * pixels)
            throw new ArgumentException("buffer sizes do not match the convolution");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(endPixel, pixels);
        ReadOnlySpan<float> weight = weights.Rows, bias = weights.Bias;
        int p = firstPixel;
        if (Vector256.IsHardwareAccelerated && endPixel - firstPixel >= StripWidth)
        {
            // A strip of 24 pixels is packed contiguously (k-major) and reused by every output channel; the weights
            // stream past it. Each output element still adds its terms in k order.
            float[] packed = ArrayPool<float>.Shared.Rent(inChannels * StripWidth);
            for (; p + StripWidth <= endPixel; p += StripWidth)
            {
                for (int k = 0; k < inChannels; k++)
                    x.Slice(k * pixels + p, StripWidth).CopyTo(packed.AsSpan(k * StripWidth, StripWidth));
                int o = 0;
                for (; o + ChannelsPerBlock <= outChannels; o += ChannelsPerBlock)
                    PointwiseBlock(packed, inChannels, weight, bias, y, pixels, o, p);
                PointwiseScalar(packed, inChannels, StripWidth, weight, bias, y, pixels, o, outChannels, 0, StripWidth, p);
            }
            ArrayPool<float>.Shared.Return(packed);
        }
        if (Vector256.IsHardwareAccelerated && p < endPixel)
        {
            // Small planes and the pixels after the last strip: vectorised over output channels instead.
            PointwiseAcrossChannels(x, pixels, weights, y, p, endPixel);
            return;
        }
        PointwiseScalar(x, inChannels, pixels, weight, bias, y, pixels, 0, outChannels, p, endPixel, 0);
    }

    /// <summary>16 output channels (two vectors) × one pixel per pass, the weights transposed (k-major).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PointwiseAcrossChannels(ReadOnlySpan<float> x, int pixels, PointwiseWeights weights, Span<float> y, int firstPixel, int endPixel)
    {
        int inChannels = weights.InChannels, outChannels = weights.OutChannels, padded = weights.PaddedOutChannels;
        ref float columns = ref MemoryMarshal.GetArrayDataReference(weights.Columns);
        ref float bias = ref MemoryMarshal.GetArrayDataReference(weights.PaddedBias);
        Span<float> lanes = stackalloc float[2 * Lanes];
        for (int o = 0; o < outChannels; o += 2 * Lanes)
        {
            for (int p = firstPixel; p < endPixel; p++)
            {
                Vector256<float> a0 = Vector256.LoadUnsafe(ref bias, (nuint)o);
                Vector256<float> a1 = Vector256.LoadUnsafe(ref bias, (nuint)(o + Lanes));
                ref float w = ref Unsafe.Add(ref columns, o);
                for (int k = 0; k < inChannels; k++)
                {
                    Vector256<float> xv = Vector256.Create(x[k * pixels + p]);
                    a0 = Vector256.Add(a0, Vector256.Multiply(Vector256.LoadUnsafe(ref w), xv));
                    a1 = Vector256.Add(a1, Vector256.Multiply(Vector256.LoadUnsafe(ref w, Lanes), xv));
                    w = ref Unsafe.Add(ref w, padded);
                }
                a0.CopyTo(lanes);
                a1.CopyTo(lanes.Slice(Lanes));
                int count = Math.Min(2 * Lanes, outChannels - o);
                for (int l = 0; l < count; l++)
                    y[(o + l) * pixels + p] = lanes[l];
            }
        }
    }

    /// <summary>Four output channels × 24 packed pixels in twelve registers; each accumulator adds its terms in k order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PointwiseBlock(ReadOnlySpan<float> packed, int inChannels, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> y, int pixels, int o, int p)
    {
        ref float row = ref MemoryMarshal.GetReference(packed);
        ref float w0 = ref Unsafe.AsRef(in weight[o * inChannels]);
        ref float w1 = ref Unsafe.Add(ref w0, inChannels);
        ref float w2 = ref Unsafe.Add(ref w1, inChannels);
        ref float w3 = ref Unsafe.Add(ref w2, inChannels);
        Vector256<float> a00 = Vector256.Create(bias[o]), a01 = a00, a02 = a00;
        Vector256<float> a10 = Vector256.Create(bias[o + 1]), a11 = a10, a12 = a10;
        Vector256<float> a20 = Vector256.Create(bias[o + 2]), a21 = a20, a22 = a20;
        Vector256<float> a30 = Vector256.Create(bias[o + 3]), a31 = a30, a32 = a30;
        for (int k = 0; k < inChannels; k++)
        {
            Vector256<float> x0 = Vector256.LoadUnsafe(ref row);
            Vector256<float> x1 = Vector256.LoadUnsafe(ref row, Lanes);
            Vector256<float> x2 = Vector256.LoadUnsafe(ref row, 2 * Lanes);
            row = ref Unsafe.Add(ref row, StripWidth);
            Vector256<float> w = Vector256.Create(Unsafe.Add(ref w0, k));
            a00 = Vector256.Add(a00, Vector256.Multiply(w, x0));
            a01 = Vector256.Add(a01, Vector256.Multiply(w, x1));
            a02 = Vector256.Add(a02, Vector256.Multiply(w, x2));
            w = Vector256.Create(Unsafe.Add(ref w1, k));
            a10 = Vector256.Add(a10, Vector256.Multiply(w, x0));
            a11 = Vector256.Add(a11, Vector256.Multiply(w, x1));
            a12 = Vector256.Add(a12, Vector256.Multiply(w, x2));
            w = Vector256.Create(Unsafe.Add(ref w2, k));
            a20 = Vector256.Add(a20, Vector256.Multiply(w, x0));
            a21 = Vector256.Add(a21, Vector256.Multiply(w, x1));
            a22 = Vector256.Add(a22, Vector256.Multiply(w, x2));
            w = Vector256.Create(Unsafe.Add(ref w3, k));
            a30 = Vector256.Add(a30, Vector256.Multiply(w, x0));
            a31 = Vector256.Add(a31, Vector256.Multiply(w, x1));
            a32 = Vector256.Add(a32, Vector256.Multiply(w, x2));
        }
        ref float yRef = ref y[o * pixels + p];
        Store(ref yRef, a00, a01, a02);
        Store(ref Unsafe.Add(ref yRef, pixels), a10, a11, a12);
        Store(ref Unsafe.Add(ref yRef, 2 * pixels), a20, a21, a22);
        Store(ref Unsafe.Add(ref yRef, 3 * pixels), a30, a31, a32);
    }

    private static void Store(ref float destination, Vector256<float> a, Vector256<float> b, Vector256<float> c)
    {
        a.StoreUnsafe(ref destination);
        b.StoreUnsafe(ref destination, Lanes);
        c.StoreUnsafe(ref destination, 2 * Lanes);
    }

    /// <summary>Reference loop for the leftovers: x rows of <paramref name="xStride"/>, pixel i of x is y's pixel i + <paramref name="yOffset"/>.</summary>
    private static void PointwiseScalar(ReadOnlySpan<float> x, int inChannels, int xStride, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> y, int pixels, int oStart, int oEnd, int pStart, int pEnd, int yOffset)
    {
        for (int o = oStart; o < oEnd; o++)
        {
            ReadOnlySpan<float> w = weight.Slice(o * inChannels, inChannels);
            for (int p = pStart; p < pEnd; p++)
            {
                float accumulator = bias[o];
                for (int k = 0; k < w.Length; k++)
                {
                    float product = w[k] * x[k * xStride + p];
                    accumulator += product;
                }
                y[o * pixels + p + yOffset] = accumulator;
            }
        }
    }

    /// <summary>
    /// Depthwise 3x3, padding 1: y[c, h, w] = fma(x[c, h+1, w+1], w[c, 2, 2], … fma(x[c, h−1, w−1], w[c, 0, 0], b[c])),
    /// the taps in row-major order, each one fused multiply-add; taps outside the image are skipped (a zero tap would
    /// leave the accumulator unchanged anyway).
    /// <paramref name="x"/> and <paramref name="y"/> are (channels, height, width); <paramref name="weight"/> (channels, 9).
    /// </summary>
    public static void Depthwise3x3(ReadOnlySpan<float> x, int channels, int height, int width, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, Span<float> y)
    {
        int plane = height * width;
        if (x.Length < channels * plane || weight.Length < channels * 9 || bias.Length < channels || y.Length < channels * plane)
            throw new ArgumentException("buffer sizes do not match the convolution");
        for (int c = 0; c < channels; c++)
            DepthwisePlane(x.Slice(c * plane, plane), height, width, weight.Slice(c * 9, 9), bias[c], y.Slice(c * plane, plane));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DepthwisePlane(ReadOnlySpan<float> x, int height, int width, ReadOnlySpan<float> taps, float bias, Span<float> y)
    {
        bool simd = Fma.IsSupported && width >= Lanes + 2;
        for (int h = 0; h < height; h++)
        {
            int w = 0;
            // Interior columns (all three horizontal taps inside the image) eight at a time.
            if (simd)
            {
                w = 1;
                for (; w + Lanes <= width - 1; w += Lanes)
                {
                    Vector256<float> accumulator = Vector256.Create(bias);
                    for (int kh = 0; kh < 3; kh++)
                    {
                        int row = h + kh - 1;
                        if ((uint)row >= (uint)height)
                            continue;
                        ref float source = ref Unsafe.AsRef(in x[row * width + w - 1]);
                        for (int kw = 0; kw < 3; kw++)
                            accumulator = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref source, (nuint)kw), Vector256.Create(taps[kh * 3 + kw]), accumulator);
                    }
                    accumulator.StoreUnsafe(ref y[h * width + w]);
                }
                DepthwiseScalar(x, height, width, taps, bias, y, h, 0, 1);
            }
            DepthwiseScalar(x, height, width, taps, bias, y, h, w, width);
        }
    }

    private static void DepthwiseScalar(ReadOnlySpan<float> x, int height, int width, ReadOnlySpan<float> taps, float bias,
        Span<float> y, int h, int wStart, int wEnd)
    {
        for (int w = wStart; w < wEnd; w++)
        {
            float accumulator = bias;
            for (int kh = 0; kh < 3; kh++)
            {
                int row = h + kh - 1;
                if ((uint)row >= (uint)height)
                    continue;
                for (int kw = 0; kw < 3; kw++)
                {
                    int column = w + kw - 1;
                    if ((uint)column < (uint)width)
                        accumulator = MathF.FusedMultiplyAdd(x[row * width + column], taps[kh * 3 + kw], accumulator);
                }
            }
            y[h * width + w] = accumulator;
        }
    }

    /// <summary>torch's LeakyReLU on float32: <c>x &gt; 0 ? x : x · slope</c>, the slope rounded to float32.</summary>
    public static void LeakyRelu(Span<float> values, float slope)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> slopes = Vector256.Create(slope);
            ref float start = ref values.Length == 0 ? ref Unsafe.NullRef<float>() : ref values[0];
            for (; i + Lanes <= values.Length; i += Lanes)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref start, (nuint)i);
                Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v, v * slopes).StoreUnsafe(ref start, (nuint)i);
            }
        }
        for (; i < values.Length; i++)
            values[i] = values[i] > 0 ? values[i] : values[i] * slope;
    }

    /// <summary><paramref name="values"/>[i] += <paramref name="addend"/>[i] (one rounded add each).</summary>
    public static void Add(Span<float> values, ReadOnlySpan<float> addend)
    {
        if (addend.Length < values.Length)
            throw new ArgumentException("addend is shorter than the values");
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + Lanes <= values.Length; i += Lanes)
                (Vector256.Create(values.Slice(i, Lanes)) + Vector256.Create(addend.Slice(i, Lanes))).CopyTo(values.Slice(i, Lanes));
        }
        for (; i < values.Length; i++)
            values[i] += addend[i];
    }
}
