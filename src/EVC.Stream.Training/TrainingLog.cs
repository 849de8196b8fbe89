using System.Text.Json;
using System.Text.Json.Serialization;

namespace EVC.Stream.Training;

/// <summary>
/// A run's <c>log.jsonl</c>: one JSON object a line, appended — mask statistics at each checkpoint and validation
/// results. Field names and order are what existing log readers parse.
/// </summary>
public sealed class TrainingLog(string path)
{
    private static readonly JsonSerializerOptions s_json = new();

    /// <summary>The file appended to.</summary>
    public string Path { get; } = path;

    /// <summary>Appends the mask statistics of a mask-decay run (nothing for other runs).</summary>
    public void AppendMasks(RdTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (trainer.MaskDecay is null)
            return;
        var (zero, largest, small) = trainer.MaskDecay.Statistics();
        Append(new MaskRecord(trainer.Step, trainer.Options.Sparsity.ToString(), trainer.MaskDecay.MaskedChannels, zero, small, largest));
    }

    /// <summary>Appends a validation of the trained model, or with <paramref name="student"/> of the pruned student.</summary>
    public void AppendValidation(long step, bool student, IReadOnlyList<ValidationPoint> points) =>
        Append(new ValidationRecord(step, student ? "student" : "trained", points));

    private void Append<T>(T record) => File.AppendAllText(Path, JsonSerializer.Serialize(record, s_json) + "\n");

    private sealed record MaskRecord(
        [property: JsonPropertyName("step")] long Step,
        [property: JsonPropertyName("sparsity")] string Sparsity,
        [property: JsonPropertyName("masks")] long Masks,
        [property: JsonPropertyName("masks_zero")] long MasksZero,
        [property: JsonPropertyName("masks_below_1e-3")] long MasksBelowThreshold,
        [property: JsonPropertyName("largest_mask")] double LargestMask);

    private sealed record ValidationRecord(
        [property: JsonPropertyName("step")] long Step,
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("validation")] IReadOnlyList<ValidationPoint> Validation);
}
