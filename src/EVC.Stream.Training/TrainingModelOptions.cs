namespace EVC.Stream.Training;

/// <summary>Where a new training run's model comes from: from scratch, from weights, grown from a narrower model, or assembled from encoders.</summary>
public sealed record TrainingModelOptions
{
    /// <summary>The architecture to train (default EVC_SS).</summary>
    public string Architecture { get; init; } = "EVC_SS";

    /// <summary>Start from these weights (official checkpoint or safetensors); null: from scratch.</summary>
    public string? Init { get; init; }

    /// <summary>With <see cref="Init"/>: the weights are of a narrower architecture, grown into <see cref="Architecture"/> (a mask-decay teacher).</summary>
    public bool Grow { get; init; }

    /// <summary>Residual representation learning: weights whose encoders become the scalable architecture's encoders; decoder and priors from the first.</summary>
    public IReadOnlyList<string>? InitEncoders { get; init; }

    /// <summary>Seed of the initialisation.</summary>
    public int Seed { get; init; } = 1;
}
