namespace EVC.Stream.Transport;

/// <summary>What a unit (one PES payload) carries.</summary>
internal enum EvcsTsUnitType : byte
{
    /// <summary>The <c>.evcs</c> file header bytes, repeated so a late receiver can start.</summary>
    StreamHeader = 1,

    /// <summary>One EVC-coded frame (or a fragment of one).</summary>
    Frame = 2,
}
