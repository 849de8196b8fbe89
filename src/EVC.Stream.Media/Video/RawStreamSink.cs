namespace EVC.Stream.Media.Video;

/// <summary>Raw rgb24 frames, back to back, to a stream (e.g. stdout for another program).</summary>
public sealed class RawStreamSink(System.IO.Stream output) : IFrameSink
{
    /// <inheritdoc />
    public async ValueTask WriteAsync(RawFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        using (frame)
            await output.WriteAsync(frame.RgbMemory, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CancellationToken cancellationToken) => await output.FlushAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
