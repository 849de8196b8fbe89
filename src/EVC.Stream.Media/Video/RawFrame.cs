using System.Buffers;

namespace EVC.Stream.Media.Video;

/// <summary>
/// One picture as packed 8-bit RGB (rgb24, row-major), in a buffer rented from <see cref="ArrayPool{T}.Shared"/>:
/// whoever ends the frame's life calls <see cref="Dispose"/> to return it, so steady-state capture allocates nothing.
/// </summary>
public sealed class RawFrame : IDisposable
{
    private byte[]? _rgb;

    /// <summary>Wraps a rented buffer of at least <c>3·width·height</c> bytes.</summary>
    public RawFrame(byte[] rentedRgb, int width, int height, long index, TimeSpan timestamp, long capturedAt)
    {
        _rgb = rentedRgb ?? throw new ArgumentNullException(nameof(rentedRgb));
        Width = width;
        Height = height;
        Index = index;
        Timestamp = timestamp;
        CapturedAt = capturedAt;
    }

    /// <summary>Rents a buffer for a frame of this size.</summary>
    public static RawFrame Rent(int width, int height, long index, TimeSpan timestamp, long capturedAt) =>
        new(ArrayPool<byte>.Shared.Rent(3 * width * height), width, height, index, timestamp, capturedAt);

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Position in the source, from 0 (frames dropped later keep their numbers).</summary>
    public long Index { get; }

    /// <summary>Presentation time from the start of the source.</summary>
    public TimeSpan Timestamp { get; }

    /// <summary><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> when the frame arrived from the source.</summary>
    public long CapturedAt { get; }

    /// <summary>The pixels: <c>3·Width·Height</c> bytes, R G B per pixel.</summary>
    public Span<byte> Rgb => (_rgb ?? throw new ObjectDisposedException(nameof(RawFrame))).AsSpan(0, 3 * Width * Height);

    /// <summary>The pixels as memory (for stream writes).</summary>
    public Memory<byte> RgbMemory => (_rgb ?? throw new ObjectDisposedException(nameof(RawFrame))).AsMemory(0, 3 * Width * Height);

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        byte[]? rgb = Interlocked.Exchange(ref _rgb, null);
        if (rgb is not null)
            ArrayPool<byte>.Shared.Return(rgb);
    }
}
