namespace EVC.Stream.Evaluation;

/// <summary>One image coded and decoded: the coded size, the decoded pixels (rgb24) and how long each side took.</summary>
public sealed record RdCoding(long Bytes, byte[] Rgb, double EncodeSeconds, double DecodeSeconds);
