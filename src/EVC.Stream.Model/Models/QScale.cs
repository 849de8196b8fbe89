using static TorchSharp.torch;

namespace EVC.Stream.Model.Models;

/// <summary>
/// Variable rate in one model through q_scale (EVC, section 3.3): the latent is divided by
/// <c>curr_q = max(q_basic, 0.5) · q_scale</c> before quantisation. The requested q_scale is rounded to
/// <c>q_index = round(clip(q, 0.01, 655)·100)</c> and the encoder uses <c>q_index / 100</c>; the <c>.bin</c> stores q_index.
/// </summary>
public static class QScale
{
    /// <summary>Smallest and largest q_scale the official rounding accepts.</summary>
    public const double Min = 0.01, Max = 655.0;

    /// <summary>
    /// The official rounding (<c>get_rounded_q</c>): numpy's clip and round-half-to-even, in float64 on the float32
    /// value the caller passes (an anchor comes straight from the checkpoint as float32).
    /// </summary>
    public static (double QUsed, int QIndex) Round(double qScale)
    {
        if (double.IsNaN(qScale))
            throw new ArgumentOutOfRangeException(nameof(qScale), "q_scale is not a number");
        double clipped = Math.Clamp(qScale, Min, Max);
        int qIndex = (int)Math.Round(clipped * 100, MidpointRounding.ToEven);
        return (qIndex / 100.0, qIndex);
    }

    /// <summary><c>curr_q = max(q_basic, 0.5) · q</c>, per channel (1, N, 1, 1), float32 as the official code computes it.</summary>
    public static Tensor CurrentQ(Tensor qBasic, double qUsed)
    {
        ArgumentNullException.ThrowIfNull(qBasic);
        using Tensor bounded = qBasic.clamp_min(0.5);
        return bounded * qUsed;
    }
}
