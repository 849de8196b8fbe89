namespace EVC.Stream.Training;

/// <summary>
/// Residual representation learning (EVC section 3.4) for the scalable-encoder models (Scale_EVC_SS, Scale_EVC_SL):
/// several small encoders share one decoder; level k codes <c>(Σ_{j&lt;k} y_j.detach() + y_k)/(k+1)</c>
/// (<see cref="EvcModel.Analyse"/>, the official <c>scalable_add</c>), so encoder k learns what the lower levels
/// leave — the residual representation — and a latency budget picks how many encoders run.
/// <list type="number">
/// <item>Each small encoder starts as a mask-decayed copy of a large encoder (<see cref="MaskDecay"/>: e.g. EVC_LS →
/// EVC_SS decayed k times, or one decay reused), assembled with <see cref="Assemble"/>.</item>
/// <item>Training samples one level per step (<see cref="LevelOfStep"/>, reproducible from the seed and step): the RD
/// loss of that level trains encoder k (through the detached sum only its own output carries gradients), the shared
/// decoder and the priors.</item>
/// </list>
/// </summary>
public static class ResidualRepresentationLearning
{
    /// <summary>The level a step trains: uniform over the model's levels, fixed by (seed, step).</summary>
    public static int LevelOfStep(int seed, long step, int levels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(levels, 1);
        return new Random(ImageFolderLoader.BatchSeed(seed ^ 0x2211, step)).Next(levels);
    }

    /// <summary>
    /// A scalable model whose encoder i is <paramref name="encoders"/>[i]'s analysis transform (mask-decayed students of
    /// the small width) and whose decoder, priors, bit estimator and q parameters come from the first.
    /// </summary>
    public static EvcModel Assemble(EvcArchitecture scalable, IReadOnlyList<EvcModel> encoders)
    {
        ArgumentNullException.ThrowIfNull(scalable);
        ArgumentNullException.ThrowIfNull(encoders);
        if (scalable.ScalableEncoders == 0)
            throw new ArgumentException($"{scalable.Name} has no scalable encoders");
        if (encoders.Count != scalable.ScalableEncoders)
            throw new ArgumentException($"{scalable.Name} needs {scalable.ScalableEncoders} encoders, got {encoders.Count}");
        var model = new EvcModel(scalable);
        var target = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        for (int i = 0; i < encoders.Count; i++)
        {
            foreach (var (name, parameter) in encoders[i].named_parameters())
            {
                string key = name.StartsWith("enc.", StringComparison.Ordinal) ? $"encs.{i}.{name[4..]}" : name;
                if (i > 0 && !name.StartsWith("enc.", StringComparison.Ordinal))
                    continue;  // shared parts from the first model
                if (!target.TryGetValue(key, out var destination))
                    throw new ArgumentException($"{key} is not a parameter of {scalable.Name}");
                if (!destination.shape.SequenceEqual(parameter.shape))
                    throw new ArgumentException($"{key}: [{string.Join(", ", parameter.shape)}] does not fit {scalable.Name}'s [{string.Join(", ", destination.shape)}] (decay the encoder to the small width first)");
                destination.copy_(parameter.detach().to(destination.device));
            }
        }
        return model;
    }
}
