namespace EVC.Stream.Benchmarks;

/// <summary>
/// Our step times, their median, PyTorch's step time (measured side by side or the figure), the rounds'
/// ratios and the ratio reported (their median, else ours over the figure).
/// </summary>
public sealed record TrainBenchmarkResult(List<double> StepSeconds, double MedianStepSeconds, double PyTorchStepSeconds, int PyTorchRounds, List<double> RoundRatios, double Ratio)
{
    /// <summary>Whether PyTorch was timed in this run (else <see cref="PyTorchStepSeconds"/> is the figure).</summary>
    public bool PyTorchMeasuredSideBySide => PyTorchRounds > 0;
}
