using System.Runtime.InteropServices;
using System.Text.Json;
using EVC.Stream.Model.Checkpoints;
using TorchSharp;

namespace EVC.Stream.Training;

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
    private readonly List<TorchSharp.Modules.Parameter> _optimised;
    private readonly ChannelsLastActivations? _channelsLast;
    private readonly Bf16Shadow? _bf16;
    private readonly DataParallelStep? _parallel;
    private readonly ChannelsLastActivations? _shadowChannelsLast;
    private readonly bool _fusedAdam;

    private RdTrainer(EvcModel model, TrainingOptions options, string dataFolder, long step, LearningRatePlateau? plateau = null)
    {
        Plateau = plateau ?? new LearningRatePlateau();
        Model = model;
        if (options.Precision == Precision.Bf16 && options.Student is not null)
            throw new NotSupportedException("bf16 training with mask decay: not supported (train the teacher or student in fp32)");
        Options = options;
        Step = step;
        model.train();
        _optimised = [.. model.parameters()];
        if (options.Student is not null)
        {
            var sparsity = new SparsityLoss(options.Sparsity, options.SparsityWeight, options.DecaySteps);
            MaskDecay = MaskDecay.Attach(model, EvcArchitecture.Get(options.Student), sparsity);
            if (sparsity.MasksInOptimizer)
                _optimised.AddRange(MaskDecay.Parameters);
        }
        _optimizer = optim.Adam(_optimised, lr: options.LearningRate);
        if (options.Workers > 1)
        {
            if (options.Precision != Precision.Bf16 || options.Student is not null)
                throw new NotSupportedException("data-parallel workers train in bf16, without mask decay");
            if (options.BatchSize % options.Workers != 0)
                throw new ArgumentException($"a batch of {options.BatchSize} does not split over {options.Workers} workers", nameof(options));
            set_num_threads(1);  // one libtorch thread per worker (before the layout check, which depends on it)
            _parallel = new DataParallelStep(model, options.Workers);
        }
        else if (options.Precision == Precision.Bf16)
        {
            _bf16 = new Bf16Shadow(model);
            _shadowChannelsLast = ChannelsLastActivations.AttachIfExact(_bf16.Model);
        }
        else if (options.Precision == Precision.Fp32)
            _channelsLast = ChannelsLastActivations.AttachIfExact(model);
        else
            throw new ArgumentException($"training precision must be fp32 or bf16, not {options.Precision}", nameof(options));
        _fusedAdam = FusedAdam.Supports(_optimised);  // parameters are placed before the trainer is built
        var balance = RateAnchorBalance.FromWeights((int)model.QScaleAnchors.shape[0], options.RateWeights);
        _loader = new ImageFolderLoader(dataFolder, options.CropSize, options.BatchSize, balance, options.Seed, firstBatch: step,
            augmentation: options.Augmentation);
    }

    /// <summary>Starts a run on <paramref name="model"/>.</summary>
    public static RdTrainer Start(EvcModel model, TrainingOptions options, string dataFolder) => new(model, options, dataFolder, 0);

    /// <summary>The masks when the run decays the model into <see cref="TrainingOptions.Student"/>, else null.</summary>
    public MaskDecay? MaskDecay { get; }

    /// <summary>The model being trained.</summary>
    public EvcModel Model { get; }

    /// <summary>The run's options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Steps done.</summary>
    public long Step { get; private set; }

    /// <summary>
    /// Whether the training forward runs channels-last (faster with oneDNN); false where this libtorch's channels-last
    /// convolutions disagree with its NCHW ones (<see cref="ChannelsLastActivations.AgreesWithNchw"/>).
    /// </summary>
    public bool ChannelsLast => _parallel?.ChannelsLast ?? (_bf16 is null ? _channelsLast : _shadowChannelsLast) is not null;

    /// <summary>The plateau schedule's state (its <see cref="LearningRatePlateau.Scale"/> stays 1 with the step schedule).</summary>
    public LearningRatePlateau Plateau { get; private set; }

    /// <summary>The learning rate the next step uses.</summary>
    public double LearningRate => Options.LearningRateAt(Step) * Plateau.Scale;

    /// <summary>
    /// Hands a validation of the trained model to the schedule; with <see cref="LearningRateSchedule.Plateau"/> returns
    /// true when it cut the learning rate (saved with the next checkpoint).
    /// </summary>
    public bool ObserveValidation(IReadOnlyList<ValidationPoint> points)
    {
        if (Options.Schedule != LearningRateSchedule.Plateau)
            return false;
        double before = Plateau.Scale;
        Plateau = Plateau.Observe(LearningRatePlateau.Cost(points));
        return Plateau.Scale < before;
    }

    /// <summary>Batches ready in the loader's queue.</summary>
    public int BatchesReady => _loader.Ready;

    /// <summary>
    /// One step on the calling thread: forward, backward, clip, Adam. Returns the batch's loss, bpp and PSNR.
    /// Call it from the thread that built the model: libtorch here ran a step in 0.41 s that way against 0.52–0.65 s
    /// when the steps ran on another thread (or hopped over the thread pool), so the trainer never switches threads.
    /// </summary>
    public VariableRateRdObjective.Result TrainStep(CancellationToken cancellationToken = default)
    {
        ValueTask<TrainingBatch> next = _loader.NextAsync(cancellationToken);
        TrainingBatch batch = next.IsCompletedSuccessfully ? next.Result : next.AsTask().GetAwaiter().GetResult();
        return RunStep(batch);
    }

    /// <summary><see cref="TrainStep"/>, completed synchronously on the calling thread.</summary>
    public Task<VariableRateRdObjective.Result> StepAsync(CancellationToken cancellationToken = default) => Task.FromResult(TrainStep(cancellationToken));

    private VariableRateRdObjective.Result RunStep(TrainingBatch batch)
    {
        manual_seed(ImageFolderLoader.BatchSeed(Options.Seed ^ 0x5EED, Step));  // the noise of step k, whatever came before
        foreach (var group in _optimizer.ParamGroups)
            group.LearningRate = LearningRate;
        using var scope = NewDisposeScope();
        // Gradients to null, not zero: Adam skips a parameter without a gradient, so an encoder a scalable step does not
        // train (residual representation learning) does not drift on its old momentum.
        foreach (var parameter in _optimised)
            parameter.grad = null;
        Tensor x = empty(batch.Count, 3, batch.CropSize, batch.CropSize);
        batch.Pixels.AsSpan().CopyTo(MemoryMarshal.Cast<byte, float>(x.bytes));
        _loader.Return(batch);  // pixels copied: the buffer goes back to the loader's pool
        x = x.to(Model.QBasic.device);
        // Scalable models: residual representation learning trains one level per step.
        int level = Model.EncoderLevels > 1 ? ResidualRepresentationLearning.LevelOfStep(Options.Seed, Step, Model.EncoderLevels) : -1;
        VariableRateRdObjective.Result result;
        if (_parallel is not null)
        {
            if (get_num_threads() != 1)
                set_num_threads(1);
            result = _parallel.Run(x, batch.RateIndexes, level, ImageFolderLoader.BatchSeed(Options.Seed ^ 0x5EED, Step));
        }
        else
        {
            result = Forward(x, batch.RateIndexes, level);
            Tensor loss = MaskDecay is null ? result.Loss : result.Loss + MaskDecay.Loss(Step).to(result.Loss.device);
            loss.backward();
            _bf16?.TransferGradients();
        }
        if (_fusedAdam)
            FusedAdam.Step(_optimizer, _optimised, Options.ClipNorm);
        else
        {
            nn.utils.clip_grad_norm_(_optimised, Options.ClipNorm);
            _optimizer.step();
        }
        MaskDecay?.AfterStep(Step);
        Step++;
        return result with { Loss = result.Loss.detach().MoveToOuterDisposeScope() };
    }

    /// <summary>The forward of a step as the trainer runs it: on the model, or on its (first) refreshed bf16 shadow.</summary>
    internal VariableRateRdObjective.Result Forward(Tensor x, int[] rateIndexes, int level = -1)
    {
        Bf16Shadow? shadow = _parallel?.FirstShadow ?? _bf16;
        shadow?.Refresh();
        return shadow is null
            ? VariableRateRdObjective.Forward(Model, x, rateIndexes, level)
            : VariableRateRdObjective.Forward(shadow.Model, x, rateIndexes, level, Bf16Shadow.Bf16);
    }

    /// <summary>Writes a checkpoint folder: <c>model.safetensors</c>, <c>adam.bin</c>, <c>state.json</c> (written last, atomically).</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        WeightsFile.Save(Model, Path.Combine(folder, "model.safetensors"));
        if (MaskDecay is not null)
            SaveMasks(MaskDecay, Path.Combine(folder, "masks.bin"));
        using (var writer = new BinaryWriter(File.Create(Path.Combine(folder, "adam.bin"))))
            _optimizer.save_state_dict(writer);
        string state = Path.Combine(folder, "state.json");
        File.WriteAllText(state + ".partial", JsonSerializer.Serialize(new CheckpointState(Model.Architecture.Name, Step, Options, Plateau), s_json));
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
        var trainer = new RdTrainer(model, state.Options, dataFolder, state.Step, state.Plateau);
        if (trainer.MaskDecay is not null)
            LoadMasks(trainer.MaskDecay, Path.Combine(folder, "masks.bin"));
        using (var reader = new BinaryReader(File.OpenRead(Path.Combine(folder, "adam.bin"))))
            trainer._optimizer.load_state_dict(reader);
        return trainer;
    }

    /// <summary>
    /// Mask decay: cuts the decayed channels out and writes the student (our safetensors, the official smaller
    /// architecture). Masks not yet exactly zero are forced to zero first; returns how many that were.
    /// </summary>
    public long ExportStudent(string path)
    {
        if (MaskDecay is null)
            throw new InvalidOperationException("this run has no student (--student)");
        long forced = MaskDecay.ForceZero();
        using EvcModel student = MaskDecay.ExportStudent();
        WeightsFile.Save(student, path);
        return forced;
    }

    /// <summary>Masks as: u32 site count, then per site: name (length-prefixed UTF-8), u32 count, float32 values.</summary>
    private static void SaveMasks(MaskDecay masks, string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(masks.Sites.Count);
        foreach (MaskSite site in masks.Sites)
        {
            using Tensor values = site.Mask.detach().cpu();
            float[] data = values.data<float>().ToArray();
            writer.Write(site.Module);
            writer.Write(data.Length);
            foreach (float v in data)
                writer.Write(v);
        }
    }

    private static void LoadMasks(MaskDecay masks, string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        int count = reader.ReadInt32();
        if (count != masks.Sites.Count)
            throw new InvalidDataException($"{path}: {count} mask sites, the run has {masks.Sites.Count}");
        using var noGrad = no_grad();
        foreach (MaskSite site in masks.Sites)
        {
            string name = reader.ReadString();
            int length = reader.ReadInt32();
            if (name != site.Module || length != site.Mask.shape[0])
                throw new InvalidDataException($"{path}: mask {name} ({length}) does not match {site.Module} ({site.Mask.shape[0]})");
            var data = new float[length];
            for (int i = 0; i < length; i++)
                data[i] = reader.ReadSingle();
            using Tensor values = tensor(data);
            site.Mask.copy_(values);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _loader.DisposeAsync().ConfigureAwait(false);
        _optimizer.Dispose();
        _channelsLast?.Dispose();
        _shadowChannelsLast?.Dispose();
        _bf16?.Dispose();
        _parallel?.Dispose();
        MaskDecay?.Dispose();
    }

    /// <summary>What state.json holds; <paramref name="Plateau"/> is absent in checkpoints older than the plateau schedule.</summary>
    private sealed record CheckpointState(string Architecture, long Step, TrainingOptions Options, LearningRatePlateau? Plateau = null);
}
