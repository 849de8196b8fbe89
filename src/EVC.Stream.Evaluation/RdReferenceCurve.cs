namespace EVC.Stream.Evaluation;

/// <summary>A published curve drawn beside the measured ones for reference (dashed), RGB PSNR against bpp.</summary>
public sealed record RdReferenceCurve(string Label, double[] Bpp, double[] Psnr);
