using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;

namespace EVC.Stream.Training;

/// <summary>
/// Gradient-norm clipping and an Adam step in two passes over memory, on CPU float32 parameters: the same update as
/// <c>clip_grad_norm_</c> followed by <see cref="Adam.step"/> (PyTorch's Adam: <c>m ← β₁m + (1−β₁)g</c>,
/// <c>v ← β₂v + (1−β₂)g²</c>, <c>p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)</c>, with g scaled by the clipping factor),
/// where libtorch runs about ten element-wise kernels per parameter, each a full pass over its tensors — 229 parameters,
/// 12.8 M values and some 2,300 kernel launches per EVC_SS step. It updates the optimizer's own state
/// (<see cref="Adam.State"/>: step, exp_avg, exp_avg_sq), so checkpoints keep the optimizer's format and resume either
/// way. Deterministic: every value is updated independently and the norm is summed in a fixed chunk order.
/// </summary>
internal static class FusedAdam
{
    private const int ChunkLength = 1 << 16;

    /// <summary>Whether every parameter (and so its gradient and Adam state) is a contiguous CPU float32 tensor.</summary>
    public static bool Supports(IReadOnlyList<Parameter> parameters)
    {
        foreach (Parameter p in parameters)
        {
            if (p.device_type != DeviceType.CPU || p.dtype != ScalarType.Float32 || !p.is_contiguous())
                return false;
        }
        return true;
    }

    /// <summary>
    /// Clips the gradients of <paramref name="parameters"/> to total L2 norm <paramref name="clipNorm"/> and applies one
    /// Adam step with <paramref name="optimizer"/>'s state and learning rate; parameters without a gradient are skipped
    /// (their step count stays). Returns the gradient norm before clipping.
    /// </summary>
    public static double Step(Adam optimizer, IReadOnlyList<Parameter> parameters, double clipNorm, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(parameters);
        var states = optimizer.state_dict().State;  // the live state objects, in the order the parameters were given
        if (states.Count != parameters.Count)
            throw new ArgumentException($"the optimizer holds {states.Count} parameters, not these {parameters.Count}", nameof(parameters));
        double learningRate = 0;
        foreach (var group in optimizer.ParamGroups)
        {
            learningRate = group.LearningRate;  // one group: the trainer's
            break;
        }
        var work = new List<(Parameter Parameter, Tensor Grad, Adam.State State)>(parameters.Count);
        for (int i = 0; i < parameters.Count; i++)
        {
            Tensor? grad = parameters[i].grad;
            if (grad is not null)
                work.Add((parameters[i], grad.is_contiguous() ? grad : grad.contiguous(), (Adam.State)states[i]));
        }
        var chunks = new List<(int Item, int Offset, int Length)>();
        for (int item = 0; item < work.Count; item++)
        {
            int length = checked((int)work[item].Parameter.numel());
            for (int offset = 0; offset < length; offset += ChunkLength)
                chunks.Add((item, offset, Math.Min(ChunkLength, length - offset)));
        }

        var squares = new double[chunks.Count];
        Parallel.For(0, chunks.Count, c =>
        {
            (int item, int offset, int length) = chunks[c];
            squares[c] = SumOfSquares(Floats(work[item].Grad).Slice(offset, length));
        });
        double norm = 0;
        foreach (double s in squares)
            norm += s;  // chunk order: the same sum on every run
        norm = Math.Sqrt(norm);
        float scale = (float)Math.Min(1.0, clipNorm / (norm + 1e-6));

        var stepSizes = new float[work.Count];
        var inverseRoots = new float[work.Count];
        for (int item = 0; item < work.Count; item++)
        {
            Adam.State state = work[item].State;
            state.step++;
            stepSizes[item] = (float)(learningRate / (1 - Math.Pow(beta1, state.step)));
            inverseRoots[item] = (float)(1 / Math.Sqrt(1 - Math.Pow(beta2, state.step)));
        }
        Parallel.For(0, chunks.Count, c =>
        {
            (int item, int offset, int length) = chunks[c];
            (Parameter parameter, Tensor grad, Adam.State state) = work[item];
            Update(
                Floats(parameter).Slice(offset, length), Floats(grad).Slice(offset, length),
                Floats(state.exp_avg!).Slice(offset, length), Floats(state.exp_avg_sq!).Slice(offset, length),
                scale, (float)beta1, (float)beta2, (float)eps, stepSizes[item], inverseRoots[item]);
        });
        return norm;
    }

    private static Span<float> Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);

    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        var sum = Vector<float>.Zero;
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var v = new Vector<float>(values.Slice(i));
            sum += v * v;
        }
        double total = 0;
        for (int lane = 0; lane < Vector<float>.Count; lane++)
            total += sum[lane];
        for (; i < values.Length; i++)
            total += (double)values[i] * values[i];
        return total;
    }

    private static void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float scale, float beta1, float beta2, float eps, float stepSize, float inverseRoot)
    {
        var vScale = new Vector<float>(scale);
        var vBeta1 = new Vector<float>(beta1);
        var vOneMinusBeta1 = new Vector<float>(1 - beta1);
        var vBeta2 = new Vector<float>(beta2);
        var vOneMinusBeta2 = new Vector<float>(1 - beta2);
        var vEps = new Vector<float>(eps);
        var vStep = new Vector<float>(stepSize);
        var vInverseRoot = new Vector<float>(inverseRoot);
        int i = 0;
        for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var gi = new Vector<float>(g.Slice(i)) * vScale;
            var mi = new Vector<float>(m.Slice(i)) * vBeta1 + vOneMinusBeta1 * gi;
            var vi = new Vector<float>(v.Slice(i)) * vBeta2 + vOneMinusBeta2 * gi * gi;
            var pi = new Vector<float>(p.Slice(i)) - vStep * mi / (Vector.SquareRoot(vi) * vInverseRoot + vEps);
            mi.CopyTo(m.Slice(i));
            vi.CopyTo(v.Slice(i));
            pi.CopyTo(p.Slice(i));
        }
        for (; i < p.Length; i++)
        {
            float gi = g[i] * scale;
            m[i] = m[i] * beta1 + (1 - beta1) * gi;
            v[i] = v[i] * beta2 + (1 - beta2) * gi * gi;
            p[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) * inverseRoot + eps);
        }
    }
}
