namespace EVC.Stream.Entropy;

/// <summary>
/// Per-channel parameters of the official factorized bit estimator (<c>BitEstimator</c>):
/// <c>f1..f3</c> have <c>h, b, a</c>, <c>f4</c> has <c>h, b</c>; each array holds one value per channel
/// (the checkpoint tensors <c>bit_estimator_z.f{k}.{h,b,a}</c> of shape (1, C, 1, 1), flattened).
/// </summary>
internal sealed class FactorizedParameters
{
    private readonly float[][] _h;
    private readonly float[][] _b;
    private readonly float[][] _a;

    public FactorizedParameters(
        float[] f1H, float[] f1B, float[] f1A,
        float[] f2H, float[] f2B, float[] f2A,
        float[] f3H, float[] f3B, float[] f3A,
        float[] f4H, float[] f4B)
    {
        _h = [Check(f1H), Check(f2H), Check(f3H), Check(f4H)];
        _b = [Check(f1B), Check(f2B), Check(f3B), Check(f4B)];
        _a = [Check(f1A), Check(f2A), Check(f3A)];
        Channels = f1H.Length;
        foreach (float[] p in _h)
        {
            CheckLength(p, Channels);
        }

        foreach (float[] p in _b)
        {
            CheckLength(p, Channels);
        }

        foreach (float[] p in _a)
        {
            CheckLength(p, Channels);
        }
    }

    /// <summary>Number of channels.</summary>
    public int Channels { get; }

    /// <summary><c>h</c> of layer <paramref name="layer"/> (0..3) for one channel.</summary>
    public float H(int layer, int channel) => _h[layer][channel];

    /// <summary><c>b</c> of layer <paramref name="layer"/> (0..3) for one channel.</summary>
    public float B(int layer, int channel) => _b[layer][channel];

    /// <summary><c>a</c> of layer <paramref name="layer"/> (0..2) for one channel.</summary>
    public float A(int layer, int channel) => _a[layer][channel];

    private static float[] Check(float[] p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p;
    }

    private static void CheckLength(float[] p, int channels)
    {
        if (p.Length != channels)
        {
            throw new ArgumentException("All bit-estimator parameters must have one value per channel.");
        }
    }
}
