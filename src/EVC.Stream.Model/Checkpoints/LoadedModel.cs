using EVC.Stream.Model.Models;

namespace EVC.Stream.Model.Checkpoints;

/// <summary>A model on its device, and the shipped default file it came from when no weights were named.</summary>
/// <param name="Model">The model, moved to its device and out of every dispose scope (the caller owns it).</param>
/// <param name="DefaultPath">The shipped default model's path when it was used; null when weights were named.</param>
public sealed record LoadedModel(EvcModel Model, string? DefaultPath)
{
    /// <summary>The start-up line naming the default model ("default model: PATH"), or empty when weights were named.</summary>
    public string Label => DefaultPath is null ? "" : $"default model: {DefaultPath}";
}
