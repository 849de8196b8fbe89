namespace EVC.Stream.Container;

/// <summary>How the frames' entropy parameters were computed; a player must decode in the same mode.</summary>
public enum EvcsStreamMode : byte
{
    /// <summary>Bit-compatible with the official EVC implementation (floating-point entropy parameters).</summary>
    Official = 0,

    /// <summary>Device-independent, arithmetic version 1 (float64 fixed point); still decoded, no longer written by default.</summary>
    DeterministicV1 = 1,

    /// <summary>Device-independent, arithmetic version 2 (float32-exact fixed point): identical on CPU and GPU. The writers' default.</summary>
    Deterministic = 2,
}
