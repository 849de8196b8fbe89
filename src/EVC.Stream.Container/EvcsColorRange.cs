namespace EVC.Stream.Container;

/// <summary>Sample range of the decoded pictures. Readers pass unknown values through unchanged.</summary>
public enum EvcsColorRange : byte
{
    /// <summary>Full range: 0–255 for 8-bit samples.</summary>
    Full = 0,

    /// <summary>Limited ("video", "TV") range: 16–235 luma, 16–240 chroma for 8-bit samples.</summary>
    Limited = 1,
}
