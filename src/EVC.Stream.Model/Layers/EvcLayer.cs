using TorchSharp;

namespace EVC.Stream.Model.Layers;

/// <summary>
/// Base of every EVC layer: a tensor-to-tensor module whose children are registered under the exact names of the
/// official PyTorch module tree, so a state dict maps one to one.
/// </summary>
/// <remarks>
/// Activations run in place: each follows a convolution (or pixel shuffle) whose output nothing else reads, and
/// LeakyReLU/ReLU back-propagate from their result, so this only saves one activation-sized tensor each — about 5 % of
/// a training step here. The values are the official out-of-place ones.
/// </remarks>
internal abstract class EvcLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; <paramref name="name"/> is the class name shown in diagnostics.</summary>
    protected EvcLayer(string name) : base(name) { }

    /// <summary>Registers <paramref name="module"/> under its official child name and returns it.</summary>
    protected T Child<T>(string name, T module) where T : nn.Module
    {
        register_module(name, module);
        return module;
    }

    /// <summary>A <c>nn.Sequential</c> whose children are named "0", "1", … as in PyTorch.</summary>
    internal static nn.Module<Tensor, Tensor> Sequential(params nn.Module<Tensor, Tensor>[] modules) => nn.Sequential(modules);

    /// <summary><c>nn.Conv2d</c> with PyTorch's defaults.</summary>
    internal static nn.Module<Tensor, Tensor> Conv(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, long groups = 1) =>
        nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding, groups: groups);
}
