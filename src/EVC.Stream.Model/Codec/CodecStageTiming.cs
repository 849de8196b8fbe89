namespace EVC.Stream.Model.Codec;

/// <summary>
/// The benchmark hook of <see cref="ImageCodec.StageTimer"/>: the codec's stage names and the one way a stage's wall
/// time is taken. CUDA work is synchronised first so a stage is charged for its own kernels, not for queued ones.
/// </summary>
internal static class CodecStageTiming
{
    /// <summary>The analysis transform.</summary>
    public const string EncoderNetwork = "encoder network";

    /// <summary>The hyper encoder, the hyperprior and the spatial-prior passes of the encoder.</summary>
    public const string HyperpriorAndPriors = "hyperprior and priors";

    /// <summary>rANS encoding of one frame.</summary>
    public const string EntropyEncoding = "entropy encoding";

    /// <summary>rANS decoding interleaved with the priors that select its tables.</summary>
    public const string EntropyDecodingAndPriors = "entropy decoding and priors";

    /// <summary>The synthesis transform.</summary>
    public const string DecoderNetwork = "decoder network";

    /// <summary>
    /// Reports the time since <paramref name="start"/> as <paramref name="stage"/> and restarts the clock; does nothing
    /// without a <paramref name="timer"/>, so the real-time path pays no synchronisation.
    /// </summary>
    public static void Mark(Action<string, TimeSpan>? timer, Device device, ref long start, string stage)
    {
        if (timer is null)
            return;
        if (device.type == TorchSharp.DeviceType.CUDA)
            cuda.synchronize();
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        timer(stage, System.Diagnostics.Stopwatch.GetElapsedTime(start, now));
        start = now;
    }
}
