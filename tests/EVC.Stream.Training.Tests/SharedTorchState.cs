namespace EVC.Stream.Training.Tests;

/// <summary>
/// Training tests share libtorch's global generator (<c>manual_seed</c>, the quantisation noise) and thread setting;
/// run in parallel they would draw from each other's sequences, so they run one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedTorchState
{
    public const string Name = "libtorch global state";
}
