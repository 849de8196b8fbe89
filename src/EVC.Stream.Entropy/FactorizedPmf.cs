namespace EVC.Stream.Entropy;

/// <summary>
/// The official factorized (z) entropy table inputs, computed bit for bit as PyTorch 1.13 (CPU, AVX2)
/// does in float32.
/// </summary>
internal static class FactorizedPmf
{
    /// <summary>Largest minima/maxima; also their default.</summary>
    public const int MaxBound = 50;

    private const float LowThreshold = (float)0.0001;
    private const float HighThreshold = (float)0.9999;

    /// <summary>
    /// <c>BitEstimator.get_cdf(x)</c> for one channel: <c>sigmoid(f4(f3(f2(f1(x)))))</c> with
    /// <c>f_k(x) = x * softplus(h) + b</c>, then <c>x + tanh(x) * tanh(a)</c> for k = 1..3.
    /// Every torch op rounds to float32 on its own.
    /// </summary>
    public static float Cdf(FactorizedParameters parameters, int channel, float x)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        for (int layer = 0; layer < 3; layer++)
        {
            x *= TorchFloat32.Softplus(parameters.H(layer, channel));
            x += parameters.B(layer, channel);
            x += TorchFloat32.Tanh(x) * TorchFloat32.Tanh(parameters.A(layer, channel));
        }

        x *= TorchFloat32.Softplus(parameters.H(3, channel));
        x += parameters.B(3, channel);
        return TorchFloat32.Sigmoid(x);
    }

    /// <summary>Runs the official <c>BitEstimator.update</c> up to the quantiser.</summary>
    public static FactorizedPmfTable Build(FactorizedParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int channels = parameters.Channels;
        var minima = new int[channels];
        var maxima = new int[channels];
        int maxLength = 0;

        for (int c = 0; c < channels; c++)
        {
            // Loops run i = 50 down to 2 and keep overwriting: the smallest qualifying i wins.
            minima[c] = MaxBound;
            for (int i = MaxBound; i > 1; i--)
            {
                if (Cdf(parameters, c, 0f - i) < LowThreshold)
                {
                    minima[c] = i;
                }
            }

            maxima[c] = MaxBound;
            for (int i = MaxBound; i > 1; i--)
            {
                if (Cdf(parameters, c, 0f + i) > HighThreshold)
                {
                    maxima[c] = i;
                }
            }

            maxLength = Math.Max(maxLength, minima[c] + maxima[c] + 1);
        }

        var pmf = new float[channels * maxLength];
        var tail = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            // samples = arange(max_length) + (medians - minima), in float32.
            float start = 0f - minima[c];
            float firstLower = 0f;
            float lastUpper = 0f;
            for (int k = 0; k < maxLength; k++)
            {
                float sample = k + start;
                float lower = Cdf(parameters, c, sample - 0.5f);
                float upper = Cdf(parameters, c, sample + 0.5f);
                pmf[(c * maxLength) + k] = upper - lower;
                if (k == 0)
                {
                    firstLower = lower;
                }

                if (k == maxLength - 1)
                {
                    lastUpper = upper;
                }
            }

            // tail_mass = lower[:, 0, :1] + (1.0 - upper[:, 0, -1:])
            tail[c] = firstLower + (1f - lastUpper);
        }

        return new FactorizedPmfTable(minima, maxima, maxLength, pmf, tail);
    }
}
