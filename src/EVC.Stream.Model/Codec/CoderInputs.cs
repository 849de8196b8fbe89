using EVC.Stream.Entropy;

namespace EVC.Stream.Model.Codec;

/// <summary>
/// The boundary between the networks and the entropy coder: tensors become the plain integer arrays the coder takes
/// (symbols, CDF indexes), once per pass, exactly as the official code hands them over.
/// </summary>
internal static class CoderInputs
{
    /// <summary>Symbols as the official coder receives them: clamped to ±30000, integers.</summary>
    public static int[] Symbols(Tensor values)
    {
        using Tensor clamped = values.clamp(-30000, 30000).to(ScalarType.Int32).cpu().contiguous();
        return clamped.data<int>().ToArray();
    }

    /// <summary>The Gaussian table row of each scale (<see cref="GaussianConditional.ScalesToIndexes"/> on float32).</summary>
    public static byte[] ScaleIndexes(Tensor scales)
    {
        using Tensor cpu = scales.to(ScalarType.Float32).cpu().contiguous();
        float[] values = cpu.data<float>().ToArray();
        var indexes = new byte[values.Length];
        GaussianConditional.ScalesToIndexes(values, indexes);
        return indexes;
    }

    /// <summary>The z table row of each element of a (1, C, H, W) latent: its channel.</summary>
    public static byte[] ChannelIndexes(long[] shape)
    {
        long plane = shape[2] * shape[3];
        var indexes = new byte[shape[1] * plane];
        for (int c = 0; c < shape[1]; c++)
            indexes.AsSpan((int)(c * plane), (int)plane).Fill((byte)c);
        return indexes;
    }
}
