namespace EVC.Stream.Benchmarks;

/// <summary>
/// Our step times, their median, PyTorch's step time (measured side by side or the figure), the rounds'
/// ratios and the ratio reported (their median, else ours over the figure).
/// </summary>
public sealed record TrainBenchmarkResult(List<double> StepSeconds, double MedianStepSeconds, double PyTorchStepSeconds, int PyTorchRounds, List<double> RoundRatios, double Ratio)
{
    /// <summary>Whether PyTorch was timed in this run (else <see cref="PyTorchStepSeconds"/> is the figure).</summary>
    public bool PyTorchMeasuredSideBySide => PyTorchRounds > 0;

    /// <summary>bf16 step times, when bf16 was timed beside fp32 (else empty).</summary>
    public IReadOnlyList<double> Bf16StepSeconds { get; init; } = [];

    /// <summary>The median over the rounds of fp32's median step time over bf16's; null when bf16 was not timed.</summary>
    public double? Bf16Speedup { get; init; }

    /// <summary>Step times of the data-parallel run (<see cref="TrainBenchmarkOptions.Workers"/> &gt; 1), else empty.</summary>
    public IReadOnlyList<double> WorkersStepSeconds { get; init; } = [];

    /// <summary>Median over rounds of the single bf16 (else first) run's step time over the data-parallel run's; null without workers.</summary>
    public double? WorkersSpeedup { get; init; }
}
