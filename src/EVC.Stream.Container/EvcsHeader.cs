namespace EVC.Stream.Container;

/// <summary>
/// Everything a player needs to decode an <c>.evcs</c> stream: the model, the picture, the clock, and who wrote it.
/// Written once at the start of the stream and protected by its own CRC-32C (see <c>docs/evcs-format.md</c>).
/// </summary>
public sealed class EvcsHeader
{
    private ReadOnlyMemory<byte> _weightsSha256 = new byte[EvcsConstants.WeightsHashLength];

    /// <summary>Major format version (read from the file; <see cref="EvcsConstants.VersionMajor"/> when writing).</summary>
    public ushort VersionMajor { get; init; } = EvcsConstants.VersionMajor;

    /// <summary>Minor format version (read from the file; <see cref="EvcsConstants.VersionMinor"/> when writing).</summary>
    public ushort VersionMinor { get; init; } = EvcsConstants.VersionMinor;

    /// <summary>Model architecture, e.g. "EVC_SS". Default empty.</summary>
    public string Architecture { get; init; } = "";

    /// <summary>
    /// How entropy parameters were computed. Default <see cref="EvcsStreamMode.Deterministic"/>: streams are played on
    /// other machines than the one that recorded them.
    /// </summary>
    public EvcsStreamMode StreamMode { get; init; } = EvcsStreamMode.Deterministic;

    /// <summary>SHA-256 of the model weights (32 bytes): the player finds the matching checkpoint by it. Default all zero.</summary>
    public ReadOnlyMemory<byte> WeightsSha256
    {
        get => _weightsSha256;
        init
        {
            if (value.Length != EvcsConstants.WeightsHashLength)
                ContainerThrow.InvalidHeader($"the weights hash has {value.Length} bytes, not {EvcsConstants.WeightsHashLength}");
            _weightsSha256 = value.ToArray();
        }
    }

    /// <summary>The weights hash as 64 lower-case hex digits.</summary>
    public string WeightsSha256Hex => Convert.ToHexStringLower(_weightsSha256.Span);

    /// <summary>Visible picture width in pixels (before padding).</summary>
    public int Width { get; init; }

    /// <summary>Visible picture height in pixels (before padding).</summary>
    public int Height { get; init; }

    /// <summary>Columns added on the right to reach the coded width (<see cref="Width"/> + this). Default 0.</summary>
    public int PadRight { get; init; }

    /// <summary>Rows added at the bottom to reach the coded height (<see cref="Height"/> + this). Default 0.</summary>
    public int PadBottom { get; init; }

    /// <summary>Colour space of the decoded pictures. Default <see cref="EvcsColorSpace.Rgb"/>.</summary>
    public EvcsColorSpace ColorSpace { get; init; }

    /// <summary>Sample range of the decoded pictures. Default <see cref="EvcsColorRange.Full"/>.</summary>
    public EvcsColorRange ColorRange { get; init; }

    /// <summary>Unit of presentation timestamps, in seconds. Default 1/90000.</summary>
    public EvcsRational TimeBase { get; init; } = new(1, 90_000);

    /// <summary>Nominal frame rate in frames per second. Default 30/1.</summary>
    public EvcsRational FrameRate { get; init; } = new(30, 1);

    /// <summary>Name of the encoder that wrote the stream. Default empty.</summary>
    public string EncoderName { get; init; } = "";

    /// <summary>Version of the encoder that wrote the stream. Default empty.</summary>
    public string EncoderVersion { get; init; } = "";

    /// <summary>Free-form metadata as key/value strings, in file order (keys need not be unique). Default none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    /// <summary>Coded width: <see cref="Width"/> + <see cref="PadRight"/>.</summary>
    public int CodedWidth => Width + PadRight;

    /// <summary>Coded height: <see cref="Height"/> + <see cref="PadBottom"/>.</summary>
    public int CodedHeight => Height + PadBottom;

    /// <summary>
    /// Nominal duration of one frame in time-base units, rounded to the nearest integer
    /// (time base denominator × frame rate denominator ÷ (time base numerator × frame rate numerator)).
    /// </summary>
    public long FrameDuration
    {
        get
        {
            if (!TimeBase.IsValid || !FrameRate.IsValid)
                return 0;
            UInt128 numerator = (UInt128)TimeBase.Denominator * FrameRate.Denominator;
            UInt128 denominator = (UInt128)TimeBase.Numerator * FrameRate.Numerator;
            return (long)((numerator + denominator / 2) / denominator);
        }
    }

    /// <summary>Converts a duration or timestamp in time-base units to seconds.</summary>
    public double ToSeconds(long timeBaseUnits) => TimeBase.IsValid ? timeBaseUnits * (double)TimeBase.Numerator / TimeBase.Denominator : double.NaN;
}
