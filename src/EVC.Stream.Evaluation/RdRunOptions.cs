namespace EVC.Stream.Evaluation;

/// <summary>What an RD run codes, with which codecs, and where its results go.</summary>
public sealed record RdRunOptions
{
    /// <summary>A folder of PNG images; either this or <see cref="Video"/>.</summary>
    public string? Images { get; init; }

    /// <summary>A clip whose frames are the images: <see cref="Frames"/> frames, one every <see cref="FrameStep"/>.</summary>
    public string? Video { get; init; }

    /// <summary>Frames taken from <see cref="Video"/>. Default 8.</summary>
    public int Frames { get; init; } = 8;

    /// <summary>Take every Nth frame of <see cref="Video"/>. Default 30.</summary>
    public int FrameStep { get; init; } = 30;

    /// <summary>Only the first N images (by name); null for all.</summary>
    public int? Count { get; init; }

    /// <summary>The codecs to compare.</summary>
    public required IReadOnlyList<IRdCodec> Codecs { get; init; }

    /// <summary>The codec BD-rates are measured against. Default x265.</summary>
    public string Anchor { get; init; } = "x265";

    /// <summary>The results folder; null for <c>bench-rd/&lt;dataset&gt;</c>.</summary>
    public string? Output { get; init; }

    /// <summary>The neural model's architecture, recorded in the summary; null when no neural codec runs.</summary>
    public string? ModelName { get; init; }
}
