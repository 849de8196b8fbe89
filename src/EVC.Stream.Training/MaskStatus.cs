namespace EVC.Stream.Training;

/// <summary>A mask-decay run's masks: how many are exactly zero of how many, and the largest magnitude.</summary>
/// <param name="Zero">Masks exactly zero.</param>
/// <param name="Masked">Masked channels.</param>
/// <param name="Largest">The largest mask magnitude.</param>
public sealed record MaskStatus(long Zero, long Masked, double Largest);
