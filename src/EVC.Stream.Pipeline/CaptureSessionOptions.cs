using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Pipeline;

/// <summary>What a <see cref="CaptureSession"/> captures, with which model, and how it codes.</summary>
public sealed record CaptureSessionOptions : ModelSessionOptions
{
    private readonly int? _batchSize;
    private readonly double _targetBitrate;
    private readonly int _encoderLevel = -1;
    private readonly int _entropyWorkers = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>The source (required).</summary>
    public required VideoSourceOptions Source { get; init; }

    /// <summary>The source's geometry and clock, when already probed; null: <see cref="CaptureSession.OpenAsync"/> probes it.</summary>
    public VideoFormat? Format { get; init; }

    /// <summary>Frames per network pass; null (default): 1 on CPU, 4 on CUDA.</summary>
    public int? BatchSize
    {
        get => _batchSize;
        init => _batchSize = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be at least 1");
    }

    /// <summary>Official stream mode (float entropy parameters); default false: deterministic.</summary>
    public bool Official { get; init; }

    /// <summary>The rate anchor or q_scale; default rate index 1. Ignored for a target bitrate's starting point only.</summary>
    public Quality Quality { get; init; } = Quality.Default;

    /// <summary>Bits per second to hold by adapting q_scale per frame; 0 (default): a fixed q_scale.</summary>
    public double TargetBitrate
    {
        get => _targetBitrate;
        init => _targetBitrate = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(TargetBitrate), value, "TargetBitrate must be 0 (none) or a finite positive rate");
    }

    /// <summary>Scalable-encoder level; −1 (default): the highest.</summary>
    public int EncoderLevel
    {
        get => _encoderLevel;
        init => _encoderLevel = value >= -1 ? value : throw new ArgumentOutOfRangeException(nameof(EncoderLevel), value, "EncoderLevel must be -1 (highest) or a level");
    }

    /// <summary>Scalable-encoder models: lower the level when encoding falls behind (see <see cref="CaptureOptions.AutoEncoderLevel"/>).</summary>
    public bool AutoEncoderLevel { get; init; }

    /// <summary>Parallel entropy coders. Default: one fewer than the cores, at least 1.</summary>
    public int EntropyWorkers
    {
        get => _entropyWorkers;
        init => _entropyWorkers = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(EntropyWorkers), value, "EntropyWorkers must be at least 1");
    }

    /// <summary>The encoder named in the stream header. Default "evcstream".</summary>
    public string EncoderName { get; init; } = "evcstream";

    /// <summary>The encoder version named in the stream header.</summary>
    public string EncoderVersion { get; init; } = "";
}
