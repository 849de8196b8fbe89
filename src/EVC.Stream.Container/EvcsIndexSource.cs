namespace EVC.Stream.Container;

/// <summary>Where the seek table came from.</summary>
public enum EvcsIndexSource
{
    /// <summary>No index yet: not requested, or the stream cannot seek.</summary>
    None = 0,

    /// <summary>The index stored at the end of the file, validated by its CRC and the trailer.</summary>
    Stored = 1,

    /// <summary>Rebuilt by scanning every packet, because the stored index was absent or damaged.</summary>
    Rebuilt = 2,
}
