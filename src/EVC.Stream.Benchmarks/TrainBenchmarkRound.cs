namespace EVC.Stream.Benchmarks;

/// <summary>One round done (1-based): our median step time, and PyTorch's when it was measured side by side.</summary>
public sealed record TrainBenchmarkRound(int Round, int Rounds, double MedianSeconds, double? PyTorchSeconds);
