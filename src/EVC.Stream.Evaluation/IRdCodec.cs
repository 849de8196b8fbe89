namespace EVC.Stream.Evaluation;

/// <summary>
/// A codec an RD run compares: its name (the key in results), a label for tables and plots, the settings it is swept
/// over, and one encode and decode of an image.
/// </summary>
public interface IRdCodec
{
    /// <summary>The short name results are stored under (<c>x265</c>, <c>evc</c>).</summary>
    string Name { get; }

    /// <summary>The name tables and plots show.</summary>
    string Label { get; }

    /// <summary>The settings to code every image at, from high quality to low.</summary>
    IReadOnlyList<RdSetting> Sweep { get; }

    /// <summary>
    /// Whether several images may be coded at once: true for codecs run as separate processes; false for one that
    /// already uses every core (a network on the torch threads), which the runner codes one image at a time.
    /// </summary>
    bool CodesInParallel { get; }

    /// <summary>Encodes and decodes <paramref name="image"/> at <paramref name="setting"/>; temporary files go in <paramref name="workFolder"/>.</summary>
    RdCoding Code(RdImage image, RdSetting setting, string workFolder);
}
