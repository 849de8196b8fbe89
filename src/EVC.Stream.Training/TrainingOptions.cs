using EVC.Stream.Model.Checkpoints;

namespace EVC.Stream.Training;

/// <summary>How a training run is set up (stored with every checkpoint).</summary>
public sealed record TrainingOptions
{
    /// <summary>Samples per step.</summary>
    public int BatchSize { get; init; } = 4;

    /// <summary>Crop side (a multiple of 64).</summary>
    public int CropSize { get; init; } = 128;

    /// <summary>How training crops are transformed (older checkpoints, without the field: flips).</summary>
    public CropAugmentation Augmentation { get; init; } = CropAugmentation.Flips;

    /// <summary>Adam learning rate at the start.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>How the learning rate falls: at fixed fractions of the steps, or on validation plateaus (older checkpoints: step).</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Step;

    /// <summary>Relative weights of drawing each rate anchor for a sample (null: uniform; <see cref="RateAnchorBalance"/>).</summary>
    public IReadOnlyList<double>? RateWeights { get; init; }

    /// <summary>Total steps of the run (the schedule is relative to it).</summary>
    public long TotalSteps { get; init; } = 100_000;

    /// <summary>Global gradient-norm clip.</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Seed of the data order and of the quantisation noise.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Number format of the networks' forward and backward: fp32, or bf16 with float32 master weights
    /// (<see cref="Bf16Shadow"/>; needs no more than a CPU with native bfloat16 to be fast). Not with mask decay.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Fp32;

    /// <summary>
    /// Data-parallel workers on a CPU (1: none): the batch split over this many threads, each with libtorch on one
    /// thread and its own bf16 shadow (<see cref="DataParallelStep"/>). Needs <see cref="Precision"/> bf16 and a
    /// <see cref="BatchSize"/> that it divides.
    /// </summary>
    public int Workers { get; init; } = 1;

    /// <summary>Mask decay: the architecture the model decays into (null: plain RD training).</summary>
    public string? Student { get; init; }

    /// <summary>Mask decay: the sparsity rule.</summary>
    public SparsityKind Sparsity { get; init; } = SparsityKind.Paper;

    /// <summary>Mask decay with L1/L2: the penalty weight.</summary>
    public double SparsityWeight { get; init; } = 1e-3;

    /// <summary>Mask decay with the paper rule: the step by which every mask is zero.</summary>
    public long DecaySteps { get; init; } = 1000;

    /// <summary>
    /// Steps over which the learning rate ramps linearly up from near zero (0: none): a fresh Adam's first updates are
    /// ±lr on every parameter, whatever the gradient's noise, so runs from trained weights start gently.
    /// </summary>
    public long WarmupSteps { get; init; }

    /// <summary>
    /// The learning rate of a step: the start value (ramped up over <see cref="WarmupSteps"/>), with the step schedule
    /// ×0.1 after 80 % of the steps and ×0.01 after 95 % (the plateau schedule's cuts are the trainer's, as they depend
    /// on validations: <see cref="LearningRatePlateau"/>).
    /// </summary>
    public double LearningRateAt(long step)
    {
        double scheduled = Schedule == LearningRateSchedule.Plateau ? LearningRate : step < TotalSteps * 0.8 ? LearningRate : step < TotalSteps * 0.95 ? LearningRate * 0.1 : LearningRate * 0.01;
        return step < WarmupSteps ? scheduled * (step + 1) / WarmupSteps : scheduled;
    }
}
