namespace EVC.Stream.Benchmarks;

/// <summary>The shape of one feature map of a batch of one: channels, height, width.</summary>
internal readonly record struct FeatureShape(long Channels, long Height, long Width);
