namespace EVC.Stream.Media.Video;

/// <summary>Discards frames (benchmarks).</summary>
public sealed class NullSink : IFrameSink
{
    /// <inheritdoc />
    public ValueTask WriteAsync(RawFrame frame, CancellationToken cancellationToken)
    {
        frame?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
