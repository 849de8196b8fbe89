namespace EVC.Stream.Container;

/// <summary>How the frames' entropy parameters were computed; a player must decode in the same mode.</summary>
public enum EvcsStreamMode : byte
{
    /// <summary>Bit-compatible with the official EVC implementation (floating-point entropy parameters).</summary>
    Official = 0,

    /// <summary>Device-independent: entropy parameters computed deterministically, identical on CPU and GPU.</summary>
    Deterministic = 1,
}
