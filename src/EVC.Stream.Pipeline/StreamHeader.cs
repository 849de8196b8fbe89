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
        StreamMode = ContainerMode(mode),
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
    public static StreamMode ModeOf(EvcsHeader header) => header.StreamMode switch
    {
        EvcsStreamMode.Official => StreamMode.Official,
        EvcsStreamMode.DeterministicV1 => StreamMode.DeterministicV1,
        EvcsStreamMode.Deterministic => StreamMode.Deterministic,
        _ => throw new InvalidDataException($"stream mode {(int)header.StreamMode} is unknown to this build (0 official, 1 and 2 deterministic)"),
    };

    /// <summary>The container's byte for a codec stream mode.</summary>
    public static EvcsStreamMode ContainerMode(StreamMode mode) => mode switch
    {
        StreamMode.Official => EvcsStreamMode.Official,
        StreamMode.DeterministicV1 => EvcsStreamMode.DeterministicV1,
        _ => EvcsStreamMode.Deterministic,
    };

    /// <summary>Throws unless <paramref name="model"/> has the weights the stream was coded with (an all-zero hash: unknown, accepted).</summary>
    public static void CheckWeights(EvcsHeader header, EvcModel model, string name)
    {
        string hash = WeightsFile.Hash(model);
        if (!header.WeightsSha256.Span.SequenceEqual(new byte[32]) && !string.Equals(hash, header.WeightsSha256Hex, StringComparison.Ordinal))
            throw new ArgumentException($"{name} was coded with weights {header.WeightsSha256Hex[..12]}…, these are {hash[..12]}…: pass the matching --weights");
    }
}
