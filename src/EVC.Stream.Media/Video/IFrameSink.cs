namespace EVC.Stream.Media.Video;

/// <summary>Where decoded frames go. The sink owns each frame handed to it and disposes it.</summary>
public interface IFrameSink : IAsyncDisposable
{
    /// <summary>Presents or stores one frame.</summary>
    ValueTask WriteAsync(RawFrame frame, CancellationToken cancellationToken);

    /// <summary>Flushes and closes (a file sink finishes the file).</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);
}
