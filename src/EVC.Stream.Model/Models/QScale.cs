namespace EVC.Stream.Model.Models;

/// <summary>
/// Variable rate in one model through q_scale (EVC, section 3.3): the latent is divided by
/// <c>curr_q = max(q_basic, 0.5) · q_scale</c> before quantisation. The requested q_scale is rounded to
/// <c>q_index = round(clip(q, 0.01, 655)·100)</c> and the encoder uses <c>q_index / 100</c>; the <c>.bin</c> stores q_index.
/// A checkpoint holds <see cref="AnchorCount"/> learned q_scale values, the rate anchors (<c>q_scale</c>, read with
/// <see cref="Anchor"/>), each trained for the RD trade-off of its λ (<see cref="AnchorLambdas"/>).
/// </summary>
public static class QScale
{
    /// <summary>Rate anchors (q_scale values) in a checkpoint.</summary>
    public const int AnchorCount = 4;

    /// <summary>λ of each rate anchor in the RD cost <c>λ·255²·MSE + bpp</c> (official <c>lmbdas</c>).</summary>
    public static readonly double[] AnchorLambdas = [0.0022, 0.0050, 0.012, 0.027];

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

    /// <summary>
    /// The q_scale of rate index <paramref name="rateIndex"/> as the float32 value the checkpoint holds in
    /// <paramref name="anchors"/> (the model's <c>q_scale</c> parameter, (anchors, 1, 1, 1)).
    /// </summary>
    public static float Anchor(Tensor anchors, int rateIndex)
    {
        ArgumentNullException.ThrowIfNull(anchors);
        if (rateIndex < 0 || rateIndex >= anchors.shape[0])
            throw new ArgumentOutOfRangeException(nameof(rateIndex), $"rate index must be 0..{anchors.shape[0] - 1}");
        using Tensor values = anchors.detach().cpu().flatten();
        return values.data<float>()[rateIndex];
    }

    /// <summary>The rate anchor of <paramref name="model"/> nearest to <paramref name="qScale"/> on a log scale (the first on a tie).</summary>
    public static int NearestAnchor(EvcModel model, double qScale)
    {
        ArgumentNullException.ThrowIfNull(model);
        int anchor = 0;
        for (int i = 1; i < AnchorLambdas.Length; i++)
        {
            if (Math.Abs(Math.Log(model.Anchor(i) / qScale)) < Math.Abs(Math.Log(model.Anchor(anchor) / qScale)))
                anchor = i;
        }
        return anchor;
    }
}
