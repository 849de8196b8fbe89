using System.Text.Json;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace EVC.Stream.Training;

/// <summary>How a training run is set up (stored with every checkpoint).</summary>
public sealed record TrainingOptions
{
    /// <summary>Samples per step.</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Crop side (a multiple of 64).</summary>
    public int CropSize { get; init; } = 128;

    /// <summary>Adam learning rate at the start.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Total steps of the run (the schedule is relative to it).</summary>
    public long TotalSteps { get; init; } = 100_000;

    /// <summary>Global gradient-norm clip.</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Seed of the data order and of the quantisation noise.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The learning rate of a step: the start value, ×0.1 after 80 % of the steps and ×0.01 after 95 %.</summary>
    public double LearningRateAt(long step) => step < TotalSteps * 0.8 ? LearningRate : step < TotalSteps * 0.95 ? LearningRate * 0.1 : LearningRate * 0.01;
}

/// <summary>
/// Variable-rate RD training of an EVC model (<see cref="VariableRateRdObjective"/>) with Adam, a step schedule and
/// gradient clipping. Checkpoints hold the weights (our safetensors), Adam's state and the step; resuming reproduces the
/// uninterrupted run exactly, because the data of step k and its quantisation noise depend only on (seed, k).
/// </summary>
public sealed class RdTrainer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };
    private readonly TorchSharp.Modules.Adam _optimizer;
    private readonly ImageFolderLoader _loader;

    private RdTrainer(EvcModel model, TrainingOptions options, string dataFolder, long step)
    {
        Model = model;
        Options = options;
        Step = step;
        model.train();
        _optimizer = optim.Adam(model.parameters(), lr: options.LearningRate);
        _loader = new ImageFolderLoader(dataFolder, options.CropSize, options.BatchSize, (int)model.QScaleAnchors.shape[0], options.Seed, firstBatch: step);
    }

    /// <summary>Starts a run on <paramref name="model"/>.</summary>
    public static RdTrainer Start(EvcModel model, TrainingOptions options, string dataFolder) => new(model, options, dataFolder, 0);

    /// <summary>The model being trained.</summary>
    public EvcModel Model { get; }

    /// <summary>The run's options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Steps done.</summary>
    public long Step { get; private set; }

    /// <summary>Batches ready in the loader's queue.</summary>
    public int BatchesReady => _loader.Ready;

    /// <summary>One step: forward, backward, clip, Adam. Returns the batch's loss, bpp and PSNR.</summary>
    public async Task<VariableRateRdObjective.Result> StepAsync(CancellationToken cancellationToken = default)
    {
        TrainingBatch batch = await _loader.NextAsync(cancellationToken).ConfigureAwait(false);
        manual_seed(ImageFolderLoader.BatchSeed(Options.Seed ^ 0x5EED, Step));  // the noise of step k, whatever came before
        foreach (var group in _optimizer.ParamGroups)
            group.LearningRate = Options.LearningRateAt(Step);
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        Tensor x = tensor(batch.Pixels, new long[] { batch.Count, 3, batch.CropSize, batch.CropSize }).to(Model.QBasic.device);
        VariableRateRdObjective.Result result = VariableRateRdObjective.Forward(Model, x, batch.RateIndexes);
        result.Loss.backward();
        nn.utils.clip_grad_norm_(Model.parameters(), Options.ClipNorm);
        _optimizer.step();
        Step++;
        return result with { Loss = result.Loss.detach().MoveToOuterDisposeScope() };
    }

    /// <summary>Writes a checkpoint folder: <c>model.safetensors</c>, <c>adam.bin</c>, <c>state.json</c> (written last, atomically).</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        WeightsFile.Save(Model, Path.Combine(folder, "model.safetensors"));
        using (var writer = new BinaryWriter(File.Create(Path.Combine(folder, "adam.bin"))))
            _optimizer.save_state_dict(writer);
        string state = Path.Combine(folder, "state.json");
        File.WriteAllText(state + ".partial", JsonSerializer.Serialize(new CheckpointState(Model.Architecture.Name, Step, Options), s_json));
        File.Move(state + ".partial", state, overwrite: true);
    }

    /// <summary>Continues the run saved in <paramref name="folder"/>.</summary>
    public static RdTrainer Resume(string folder, string dataFolder, Device? device = null)
    {
        string statePath = Path.Combine(folder, "state.json");
        if (!File.Exists(statePath))
            throw new FileNotFoundException($"no training checkpoint in {folder} (state.json missing)", statePath);
        CheckpointState state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(statePath)) ?? throw new InvalidDataException($"{statePath} is empty");
        EvcModel model = WeightsFile.Load(Path.Combine(folder, "model.safetensors"), state.Architecture);
        if (device is not null)
            model.to(device);  // parameters move before the optimizer sees them
        model.DetachFromDisposeScopes();
        var trainer = new RdTrainer(model, state.Options, dataFolder, state.Step);
        using (var reader = new BinaryReader(File.OpenRead(Path.Combine(folder, "adam.bin"))))
            trainer._optimizer.load_state_dict(reader);
        return trainer;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _loader.DisposeAsync().ConfigureAwait(false);
        _optimizer.Dispose();
    }

    private sealed record CheckpointState(string Architecture, long Step, TrainingOptions Options);
}
