namespace EVC.Stream.Training;

/// <summary>Smoothed figures after a training step, and the latest mask statistics (null when the run decays no masks).</summary>
/// <param name="Step">Steps done.</param>
/// <param name="Loss">Smoothed loss.</param>
/// <param name="Bpp">Smoothed estimated bits per pixel.</param>
/// <param name="Psnr">Smoothed PSNR in dB.</param>
/// <param name="StepsPerSecond">Steps per second since this process started training.</param>
/// <param name="Masks">The mask statistics, or null.</param>
public sealed record TrainingProgressReport(long Step, double Loss, double Bpp, double Psnr, double StepsPerSecond, MaskStatus? Masks);
