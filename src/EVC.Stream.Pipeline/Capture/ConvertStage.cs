using System.Diagnostics;
using EVC.Stream.Imaging;
using static TorchSharp.torch;

namespace EVC.Stream.Pipeline.Capture;

/// <summary>
/// rgb24 frames to the network's padded planar input, converted straight into one reusable CPU tensor per batch
/// size: no copy, no allocation per frame.
/// </summary>
internal sealed class ConvertStage(VideoFormat format, StageStats stage) : IDisposable
{
    private readonly int _paddedWidth = ImageCodec.PaddedSize(format.Width);
    private readonly int _paddedHeight = ImageCodec.PaddedSize(format.Height);
    private readonly Dictionary<int, Tensor> _inputs = [];

    private int PlaneFloats => 3 * _paddedWidth * _paddedHeight;

    /// <summary>The batch as a (N, 3, Hpad, Wpad) CPU tensor the stage owns; valid until the next call.</summary>
    public Tensor Convert(List<RawFrame> batch)
    {
        long start = Stopwatch.GetTimestamp();
        if (!_inputs.TryGetValue(batch.Count, out Tensor? pixels))
            _inputs[batch.Count] = pixels = empty(batch.Count, 3, _paddedHeight, _paddedWidth).DetachFromDisposeScope();
        int planeFloats = PlaneFloats;
        Span<float> planar = TensorMemory(pixels, batch.Count * planeFloats);
        for (int b = 0; b < batch.Count; b++)
            PixelConversion.Rgb24ToPlanar(batch[b].Rgb, format.Width, format.Height, planar.Slice(b * planeFloats, planeFloats), _paddedWidth, _paddedHeight);
        stage.RecordBatch(Stopwatch.GetElapsedTime(start), batch.Count);
        return pixels;
    }

    /// <summary>Frees the input tensors.</summary>
    public void Dispose()
    {
        foreach (Tensor pixels in _inputs.Values)
            pixels.Dispose();
    }

    /// <summary>A CPU tensor's own memory (TorchSharp's <c>bytes</c> spans the native buffer of a contiguous CPU tensor).</summary>
    private static Span<float> TensorMemory(Tensor tensor, int count) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.bytes).Slice(0, count);
}
