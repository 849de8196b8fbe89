namespace EVC.Stream.Benchmarks;

/// <summary>One training step done: round and step (1-based), the steps of this round, whether it was a warm-up, its time and loss.</summary>
public sealed record TrainBenchmarkStep(int Round, int Step, int Steps, bool WarmUp, double Seconds, double Loss);
