using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using TorchSharp;

namespace EVC.Stream.Benchmarks;

/// <summary>Untrained weights for speed measurements of architectures without a shipped model (speed does not depend on the weights).</summary>
public static class UntrainedModel
{
    /// <summary>A freshly initialised <paramref name="arch"/> on <paramref name="device"/>, outside any dispose scope.</summary>
    public static EvcModel Create(string arch, ComputeDevice device)
    {
        var model = new EvcModel(EvcArchitecture.Get(arch));
        model.to(device.Device);
        model.DetachFromDisposeScopes();
        return model;
    }
}
