namespace EVC.Stream.Model.Models;

/// <summary>
/// The official EVC architectures: the letters name the analysis (encoder) and synthesis (decoder) sizes — L(arge),
/// M(edium), S(mall) — e.g. EVC_LS has the large encoder and the small decoder. Scalable-encoder models hold four small
/// encoders whose outputs are combined progressively.
/// </summary>
public sealed record EvcArchitecture(string Name, long[]? Encoder, long[] Decoder, int ScalableEncoders = 0)
{
    /// <summary>Latent channels (N).</summary>
    public const long LatentChannels = 192;

    /// <summary>Rate anchors (q_scale values) in a checkpoint: <see cref="QScale.AnchorCount"/>.</summary>
    public const int AnchorCount = QScale.AnchorCount;

    /// <summary>Every official architecture by name.</summary>
    public static readonly IReadOnlyDictionary<string, EvcArchitecture> All = new Dictionary<string, EvcArchitecture>(StringComparer.Ordinal)
    {
        ["EVC_LL"] = new("EVC_LL", Transforms.Large, Transforms.Large),
        ["EVC_LM"] = new("EVC_LM", Transforms.Large, Transforms.Medium),
        ["EVC_LS"] = new("EVC_LS", Transforms.Large, Transforms.Small),
        ["EVC_ML"] = new("EVC_ML", Transforms.Medium, Transforms.Large),
        ["EVC_SL"] = new("EVC_SL", Transforms.Small, Transforms.Large),
        ["EVC_MM"] = new("EVC_MM", Transforms.Medium, Transforms.Medium),
        ["EVC_MS"] = new("EVC_MS", Transforms.Medium, Transforms.Small),
        ["EVC_SS"] = new("EVC_SS", Transforms.Small, Transforms.Small),
        ["Scale_EVC_SS"] = new("Scale_EVC_SS", null, Transforms.Small, 4),
        ["Scale_EVC_SL"] = new("Scale_EVC_SL", null, Transforms.Large, 4),
    };

    /// <summary>Looks an architecture up by its official name.</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the known ones).</exception>
    public static EvcArchitecture Get(string name) =>
        All.TryGetValue(name ?? "", out EvcArchitecture? arch) ? arch
            : throw new ArgumentException($"unknown architecture '{name}' (known: {string.Join(", ", All.Keys)})", nameof(name));
}
