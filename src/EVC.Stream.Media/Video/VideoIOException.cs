namespace EVC.Stream.Media.Video;

/// <summary>A source or sink that FFmpeg could not open or that died; the message is the one line to show.</summary>
public sealed class VideoIOException(string message, Exception? inner = null) : IOException(message, inner);
