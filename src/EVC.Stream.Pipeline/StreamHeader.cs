using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Pipeline;

/// <summary>The <c>.evcs</c> header of a stream a model codes: one place for what a decoder needs to check and decode.</summary>
internal static class StreamHeader
{
    public static EvcsHeader For(EvcModel model, StreamMode mode, int width, int height, double frameRate, string encoderName, string encoderVersion,
        IReadOnlyList<KeyValuePair<string, string>> metadata) => new()
    {
        Architecture = model.Architecture.Name,
        StreamMode = mode == StreamMode.Official ? EvcsStreamMode.Official : EvcsStreamMode.Deterministic,
        WeightsSha256 = Convert.FromHexString(WeightsFile.Hash(model)),
        Width = width,
        Height = height,
        PadRight = ImageCodec.PaddedSize(width) - width,
        PadBottom = ImageCodec.PaddedSize(height) - height,
        ColorSpace = EvcsColorSpace.Rgb,
        ColorRange = EvcsColorRange.Full,
        FrameRate = FrameRateRational.From(frameRate),
        EncoderName = encoderName,
        EncoderVersion = encoderVersion,
        Metadata = metadata,
    };

    /// <summary>The codec mode a header's stream was coded in.</summary>
    public static StreamMode ModeOf(EvcsHeader header) => header.StreamMode == EvcsStreamMode.Official ? StreamMode.Official : StreamMode.Deterministic;

    /// <summary>Throws unless <paramref name="model"/> has the weights the stream was coded with (an all-zero hash: unknown, accepted).</summary>
    public static void CheckWeights(EvcsHeader header, EvcModel model, string name)
    {
        string hash = WeightsFile.Hash(model);
        if (!header.WeightsSha256.Span.SequenceEqual(new byte[32]) && !string.Equals(hash, header.WeightsSha256Hex, StringComparison.Ordinal))
            throw new ArgumentException($"{name} was coded with weights {header.WeightsSha256Hex[..12]}…, these are {hash[..12]}…: pass the matching --weights");
    }
}
