using System.Collections.Concurrent;
using TorchSharp;

namespace EVC.Stream.Model.Layers;

/// <summary>
/// In-place LeakyReLU whose slope is a Scalar that lives for the whole process. TorchSharp 0.107 turns a double slope
/// into a temporary Scalar on every call and does not keep it alive across the native call; with training workers
/// allocating on other threads the GC can finalise it mid-call (it killed a <c>--workers 2</c> run once, in the
/// objective's <c>tensor - 0.5</c>). Same values as <c>new LeakyRelu(slope)</c>; no parameters, so the
/// module tree and state dict are unchanged.
/// </summary>
internal sealed class LeakyRelu : nn.Module<Tensor, Tensor>
{
    private static readonly ConcurrentDictionary<double, Scalar> s_slopes = new();
    private readonly Scalar _slope;

    /// <summary>Creates the activation with <paramref name="slope"/> for negative inputs.</summary>
    public LeakyRelu(double slope) : base("LeakyReLU") => _slope = Slope(slope);

    /// <summary>
    /// The activated tensor as a new handle on <paramref name="x"/>'s storage, as TorchSharp's own in-place LeakyReLU
    /// returns it: a Sequential disposes the handles between its children, so the input handle may not be returned.
    /// </summary>
    public override Tensor forward(Tensor x) => x.leaky_relu_(_slope).alias();

    /// <summary>Applies the activation in place to <paramref name="x"/> (for layers that call it inline).</summary>
    public static Tensor Apply(Tensor x, double slope) => x.leaky_relu_(Slope(slope));

    private static Scalar Slope(double slope) => s_slopes.GetOrAdd(slope, value => value.ToScalar());
}
