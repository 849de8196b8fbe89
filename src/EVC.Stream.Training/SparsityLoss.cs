using TorchSharp.Modules;

namespace EVC.Stream.Training;

/// <summary>
/// The sparsity regularisation of mask decay. The paper replaces L_p penalties because of their gradients: L1's is a
/// constant ±weight, so with a stochastic optimiser a mask near zero keeps jumping across it and is never exactly zero;
/// L2's is 2·weight·m, which vanishes as m → 0, so masks only approach zero. Neither removes a channel by itself.
/// <para>
/// <b>Our rule for <see cref="SparsityKind.Paper"/></b> (the paper's text and training code are not available here —
/// see <c>docs/training.md</c> — so this is our design for its stated goal): masks are not Adam parameters; after each
/// step every live mask moves by its own RD gradient (plain gradient step, rate <see cref="MaskLearningRate"/>) and by a
/// decay ρ_t that grows linearly with the step, <c>ρ_t = 3(t+1)/T²</c>, then is projected onto [0, 1]:
/// <c>m ← clamp(m − η·∂L_RD/∂m − ρ_t, 0, 1)</c>. Zero is absorbing (a mask that reaches it stays there). Early, ρ is
/// tiny and the RD gradient decides — the network moves what the doomed channels carry into the kept ones; later the
/// decay dominates. The accumulated decay reaches 1 at t ≈ 0.82·T, so a mask the RD loss does not hold up is exactly zero
/// by then; at T (the decay steps) any mask still alive is set to zero.
/// </para>
/// </summary>
public sealed class SparsityLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="kind">Rule.</param>
    /// <param name="weight">L1/L2: the penalty weight (per mask, added to the per-sample RD loss).</param>
    /// <param name="decaySteps">Paper: the step by which every mask is zero (T).</param>
    public SparsityLoss(SparsityKind kind, double weight, long decaySteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(decaySteps, 1);
        Kind = kind;
        Weight = weight;
        DecaySteps = decaySteps;
    }

    /// <summary>The rule.</summary>
    public SparsityKind Kind { get; }

    /// <summary>L1/L2 penalty weight.</summary>
    public double Weight { get; }

    /// <summary>Paper rule: T, the deadline.</summary>
    public long DecaySteps { get; }

    /// <summary>Paper rule: the rate of the masks' own RD-gradient step.</summary>
    public double MaskLearningRate { get; init; } = 1e-2;

    /// <summary>Paper rule: the largest move of a mask by its RD gradient in one step.</summary>
    public double MaxRdStep { get; init; } = 0.05;

    /// <summary>Whether the masks are optimised by Adam with the rest of the model (L1/L2) or by <see cref="AfterStep"/>.</summary>
    public bool MasksInOptimizer => Kind != SparsityKind.Paper;

    /// <summary>The paper rule's decay at step <paramref name="step"/>.</summary>
    public double Decay(long step) => 3.0 * (step + 1) / ((double)DecaySteps * DecaySteps);

    /// <summary>The penalty to add to the loss (a zero scalar for the paper rule).</summary>
    public Tensor Loss(IEnumerable<Parameter> masks, long step)
    {
        ArgumentNullException.ThrowIfNull(masks);
        Tensor? sum = null;
        if (Kind == SparsityKind.Paper)
            return zeros(1).squeeze();
        foreach (Parameter mask in masks)
        {
            Tensor term = Kind == SparsityKind.L1 ? mask.abs().sum() : mask.square().sum();
            sum = sum is null ? term : sum + term;
        }
        return sum is null ? zeros(1).squeeze() : sum * Weight;
    }

    /// <summary>After the optimizer's step (paper rule only): the mask update above; clears the mask's gradient.</summary>
    public void AfterStep(Parameter mask, long step)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (Kind != SparsityKind.Paper)
            return;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor alive = mask.gt(0);
        if (step + 1 >= DecaySteps)
        {
            mask.zero_();
        }
        else
        {
            // The RD step is bounded (±MaxRdStep) so that one large gradient can neither zero a mask for good nor pin it.
            Tensor update = mask.grad is null ? mask.detach().clone() : mask.detach() - (mask.grad * MaskLearningRate).clamp(-MaxRdStep, MaxRdStep);
            mask.copy_((update - Decay(step)).clamp(0, 1) * alive);
        }
        mask.grad?.zero_();
    }
}
