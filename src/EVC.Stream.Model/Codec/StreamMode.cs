namespace EVC.Stream.Model.Codec;

/// <summary>How a stream's entropy parameters (scale indexes and means) are computed; the decoder must use the same.</summary>
public enum StreamMode
{
    /// <summary>The official float32 networks: reproduces official <c>.bin</c> files, decodable only on the same numeric path.</summary>
    Official = 0,

    /// <summary>Exact fixed point (<see cref="Deterministic.DeterministicEntropyParameters"/>): decodable on any device, batch and thread count.</summary>
    Deterministic = 1,
}
