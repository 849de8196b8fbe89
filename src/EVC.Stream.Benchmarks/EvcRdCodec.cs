using EVC.Stream.Evaluation;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Benchmarks;

/// <summary>EVC in one stream mode as a codec of the RD runner, swept over the model's rate anchors (r0 … r3).</summary>
public sealed class EvcRdCodec : IRdCodec
{
    /// <summary>The name of EVC in deterministic mode.</summary>
    public const string DeterministicName = "evc";

    /// <summary>The name of EVC in the official stream mode.</summary>
    public const string OfficialName = "evc-official";

    private readonly ImageCodec _codec;

    /// <summary>EVC with <paramref name="model"/> in <paramref name="mode"/>, the transforms in <paramref name="precision"/> (default fp32).</summary>
    public EvcRdCodec(EvcModel model, StreamMode mode, Precision precision = Precision.Fp32)
    {
        ArgumentNullException.ThrowIfNull(model);
        _codec = new ImageCodec(model, mode, precision);  // cheap: the model holds the quantised networks and transform copies
        bool official = mode == StreamMode.Official;
        Name = official ? OfficialName : DeterministicName;
        Label = $"EVC {model.Architecture.Name} ({(official ? "official mode" : "deterministic")}{(_codec.Precision == Precision.Bf16 ? ", bf16" : "")})";
        Sweep = [.. Enumerable.Range(0, EvcArchitecture.AnchorCount).Select(rate => new RdSetting($"r{rate}", Quality.FromRateIndex(rate).Resolve(model)))];
    }

    /// <summary>Whether <paramref name="name"/> is one of the EVC codecs.</summary>
    public static bool IsEvc(string name) => name is DeterministicName or OfficialName;

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public string Label { get; }

    /// <inheritdoc/>
    public IReadOnlyList<RdSetting> Sweep { get; }

    /// <summary>False: the networks already use every torch thread.</summary>
    public bool CodesInParallel => false;

    /// <inheritdoc/>
    public RdCoding Code(RdImage image, RdSetting setting, string workFolder)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(setting);
        return EvcImageCoding.Code(_codec, image.Planar, setting.Parameter, copyInDecodeTime: true);
    }
}
