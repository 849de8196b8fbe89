using EVC.Stream.Model;
using EVC.Stream.Model.Checkpoints;

namespace EVC.Stream.Training;

/// <summary>Everything a training run needs before its first step: the runtime, and the model it starts from.</summary>
public static class TrainingSetup
{
    /// <summary>Rate anchors a model trained from scratch starts with (kit EVC_SS: 1.59 … 0.55).</summary>
    private static readonly double[] s_initialAnchors = [1.6, 1.15, 0.8, 0.55];

    /// <summary>Sets the CPU threads and keeps freed tensor memory in the process (no page faults on every step's activations).</summary>
    public static void ConfigureRuntime(int threads)
    {
        ComputeDevice.SetThreads(threads);
        TorchRuntime.RetainFreedMemory();
    }

    /// <summary>
    /// Seeds torch and builds the model a new run starts from; <paramref name="report"/> hears what was done when it
    /// is worth a line (a grown teacher).
    /// </summary>
    public static EvcModel CreateModel(TrainingModelOptions options, Action<string>? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        manual_seed(options.Seed);
        EvcModel model;
        if (options.InitEncoders is not null)
        {
            EvcModel[] encoders = [.. options.InitEncoders.Select(f => WeightsFile.Load(f, null))];
            model = ResidualRepresentationLearning.Assemble(EvcArchitecture.Get(options.Architecture), encoders);
            foreach (EvcModel encoder in encoders)
                encoder.Dispose();
            return model;
        }
        if (options.Init is null)
        {
            model = new EvcModel(EvcArchitecture.Get(options.Architecture));
            SeedAnchors(model);
        }
        else if (options.Grow)
        {
            using EvcModel narrow = WeightsFile.Load(options.Init, null);
            model = MaskDecay.GrowTeacher(narrow, EvcArchitecture.Get(options.Architecture));
            report?.Invoke($"grew {narrow.Architecture.Name} ({options.Init}) into {options.Architecture}: the extra channels start silent");
        }
        else
            model = WeightsFile.Load(options.Init, options.Architecture);
        return model;
    }

    /// <summary>
    /// Spreads a new model's rate anchors as a trained model's are, so the four λ pull apart from the first step;
    /// they remain learnable.
    /// </summary>
    public static void SeedAnchors(EvcModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var noGrad = no_grad();
        model.QScaleAnchors.copy_(tensor(s_initialAnchors.Take((int)model.QScaleAnchors.shape[0]).Select(v => (float)v).ToArray()).view(-1, 1, 1, 1));
    }
}
