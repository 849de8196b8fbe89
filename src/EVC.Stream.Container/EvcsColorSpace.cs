namespace EVC.Stream.Container;

/// <summary>Colour space of the decoded pictures. Readers pass unknown values through unchanged.</summary>
public enum EvcsColorSpace : byte
{
    /// <summary>RGB, the model's native space (no matrix).</summary>
    Rgb = 0,

    /// <summary>Y'CbCr with the ITU-R BT.709 matrix.</summary>
    Bt709 = 1,

    /// <summary>Y'CbCr with the ITU-R BT.601 matrix.</summary>
    Bt601 = 2,

    /// <summary>Y'CbCr with the ITU-R BT.2020 non-constant-luminance matrix.</summary>
    Bt2020 = 3,
}
