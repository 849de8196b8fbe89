namespace EVC.Stream.Model.Conformance;

/// <summary>A 1x1 convolution's weights in the two layouts the kernels read: rows (O, K) and columns (K, O padded to 16).</summary>
internal sealed class PointwiseWeights
{
    /// <summary>Copies <paramref name="weight"/> (outChannels, inChannels) and <paramref name="bias"/> (outChannels).</summary>
    public PointwiseWeights(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int outChannels, int inChannels)
    {
        if (weight.Length < outChannels * inChannels || bias.Length < outChannels)
            throw new ArgumentException("buffer sizes do not match the convolution");
        OutChannels = outChannels;
        InChannels = inChannels;
        PaddedOutChannels = (outChannels + 15) / 16 * 16;
        Rows = weight[..(outChannels * inChannels)].ToArray();
        Bias = bias[..outChannels].ToArray();
        PaddedBias = new float[PaddedOutChannels];
        Bias.CopyTo(PaddedBias, 0);
        Columns = new float[inChannels * PaddedOutChannels];
        for (int o = 0; o < outChannels; o++)
            for (int k = 0; k < inChannels; k++)
                Columns[k * PaddedOutChannels + o] = Rows[o * inChannels + k];
    }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels rounded up to a multiple of 16 (the column layout's row length).</summary>
    public int PaddedOutChannels { get; }

    /// <summary>(O, K) row-major.</summary>
    public float[] Rows { get; }

    /// <summary>(K, O padded) row-major.</summary>
    public float[] Columns { get; }

    /// <summary>(O).</summary>
    public float[] Bias { get; }

    /// <summary>(O padded), zeros after the last channel.</summary>
    public float[] PaddedBias { get; }
}
