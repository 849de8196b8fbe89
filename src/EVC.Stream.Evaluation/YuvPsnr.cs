namespace EVC.Stream.Evaluation;

/// <summary>PSNR of one image against its original, in dB (∞ when identical).</summary>
public readonly record struct YuvPsnr(double Y, double U, double V)
{
    /// <summary>The usual 6:1:1 weighting of video coding (JVET CTC): <c>(6·Y + U + V) / 8</c>.</summary>
    public double Weighted => (6 * Y + U + V) / 8;
}
