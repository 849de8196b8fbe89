namespace EVC.Stream.Training;

/// <summary>How the masks of <see cref="MaskDecay"/> are driven to zero (the RQ4 comparison runs all three).</summary>
public enum SparsityKind
{
    /// <summary>The decay rule of <see cref="SparsityLoss"/>: exact zeros by a deadline, no oscillation.</summary>
    Paper,

    /// <summary>Baseline: weight · Σ|m| added to the loss, masks trained by Adam.</summary>
    L1,

    /// <summary>Baseline: weight · Σm² added to the loss, masks trained by Adam.</summary>
    L2,
}
