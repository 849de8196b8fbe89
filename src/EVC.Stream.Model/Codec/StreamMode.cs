namespace EVC.Stream.Model.Codec;

/// <summary>How a stream's entropy parameters (scale indexes and means) are computed; the decoder must use the same.</summary>
public enum StreamMode
{
    /// <summary>The official float32 networks: reproduces official <c>.bin</c> files, decodable only on the same numeric path.</summary>
    Official = 0,

    /// <summary>
    /// Exact fixed point, arithmetic version 1 (float64, <c>docs/determinism.md</c>): streams of earlier releases.
    /// Still decoded (and encoded on request); twice slower than <see cref="Deterministic"/> on a CPU and far slower on
    /// consumer GPUs.
    /// </summary>
    DeterministicV1 = 1,

    /// <summary>
    /// Exact fixed point, arithmetic version 2 (every sum an integer below 2^24, computed by float32 GEMMs): decodable on
    /// any device, batch and thread count. The default of streams.
    /// </summary>
    Deterministic = 2,
}
