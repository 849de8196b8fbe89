using EVC.Stream.Model.Models;

namespace EVC.Stream.Pipeline;

/// <summary>
/// Holds a target bitrate by adapting q_scale per frame in the log domain: the rate of EVC falls about as
/// <c>q_scale^-1</c> (measured on the kit's anchors: Δln(bpp) ≈ −0.95·Δln(q)), so the step
/// <c>ln q += gain · ln(bits / target)</c> is a damped Newton step. Frames are coded a few frames after their q is
/// chosen (batched inference, parallel coding), hence the damping. Without a target, q stays fixed.
/// </summary>
internal sealed class RateController
{
    private const double Gain = 0.5;
    private readonly double _targetBitsPerFrame;
    private double _logQ;

    /// <summary>A fixed q_scale.</summary>
    public RateController(double qScale) : this(qScale, 0, 0) { }

    /// <summary>Starts at <paramref name="initialQScale"/> and adapts to <paramref name="targetBitsPerSecond"/> at <paramref name="frameRate"/>.</summary>
    public RateController(double initialQScale, double targetBitsPerSecond, double frameRate)
    {
        _logQ = Math.Log(Math.Clamp(initialQScale, QScale.Min, QScale.Max));
        _targetBitsPerFrame = targetBitsPerSecond > 0 && frameRate > 0 ? targetBitsPerSecond / frameRate : 0;
    }

    /// <summary>Whether a target bitrate is held.</summary>
    public bool IsAdaptive => _targetBitsPerFrame > 0;

    /// <summary>The q_scale for the next frame, as the codec will round it (q_index / 100).</summary>
    public double Current => QScale.Round(Math.Exp(Volatile.Read(ref _logQ))).QUsed;

    /// <summary>Feeds back the size of a coded frame.</summary>
    public void Observe(long payloadBytes)
    {
        if (!IsAdaptive || payloadBytes <= 0)
            return;
        double error = Math.Log(payloadBytes * 8.0 / _targetBitsPerFrame);
        double next = Math.Clamp(Volatile.Read(ref _logQ) + Gain * error, Math.Log(QScale.Min), Math.Log(QScale.Max));
        Volatile.Write(ref _logQ, next);
    }
}
