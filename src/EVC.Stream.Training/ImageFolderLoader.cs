using System.Collections.Concurrent;
using System.Threading.Channels;
using EVC.Stream.Imaging;

namespace EVC.Stream.Training;

/// <summary>
/// Training data from a folder of PNG photographs: random crops, random horizontal and vertical flips (and transposes
/// with <see cref="CropAugmentation.Dihedral"/>), and a random
/// rate anchor per sample (variable-rate training, <see cref="RateAnchorBalance"/>), assembled on a background task into a bounded queue so the
/// training step never waits for decoding. Images are decoded once and kept as 8-bit RGB (the training set's 518
/// photographs take 113 MB so, against 450 MB as float planes); batch buffers are pooled, so the producer allocates
/// nothing large in steady state.
/// Reproducible and seekable: batch k is drawn from its own generator seeded by (seed, k), so a resumed run at step k
/// sees exactly the batches an uninterrupted run would have.
/// </summary>
public sealed class ImageFolderLoader : IAsyncDisposable
{
    private readonly List<(byte[] Rgb, int Width, int Height)> _images = [];
    private readonly ConcurrentQueue<float[]> _freeBuffers = new();
    private readonly Channel<TrainingBatch> _batches;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;

    /// <summary>
    /// Loads every PNG of <paramref name="folder"/> at least <paramref name="cropSize"/> on each side and starts prefetching;
    /// each sample's rate anchor is drawn by <paramref name="balance"/>.
    /// </summary>
    public ImageFolderLoader(string folder, int cropSize, int batchSize, RateAnchorBalance balance, int seed, long firstBatch = 0, int prefetch = 4,
        CropAugmentation augmentation = CropAugmentation.Flips)
    {
        ArgumentNullException.ThrowIfNull(balance);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"training folder not found: {folder}");
        string[] files = Directory.GetFiles(folder, "*.png");
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            (int width, int height, byte[] rgb) = PngCodec.Decode(File.ReadAllBytes(file));
            if (width >= cropSize && height >= cropSize)
                _images.Add((rgb, width, height));
        }
        if (_images.Count == 0)
            throw new ArgumentException($"no PNG of at least {cropSize}x{cropSize} in {folder}");
        CropSize = cropSize;
        BatchSize = batchSize;
        Augmentation = augmentation;
        _batches = Channel.CreateBounded<TrainingBatch>(new BoundedChannelOptions(Math.Max(1, prefetch)) { SingleReader = true, SingleWriter = true });
        _producer = Task.Run(() => ProduceAsync(balance, seed, firstBatch, _stop.Token));
    }

    /// <summary>Images available.</summary>
    public int ImageCount => _images.Count;

    /// <summary>Crop side in pixels.</summary>
    public int CropSize { get; }

    /// <summary>How crops are transformed.</summary>
    public CropAugmentation Augmentation { get; }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Batches ready in the queue (a training loop that finds it empty is waiting for data).</summary>
    public int Ready => _batches.Reader.Count;

    /// <summary>The next batch (waits only if the producer is behind).</summary>
    public ValueTask<TrainingBatch> NextAsync(CancellationToken cancellationToken = default) => _batches.Reader.ReadAsync(cancellationToken);

    /// <summary>Gives a batch's pixel buffer back for reuse; its <see cref="TrainingBatch.Pixels"/> must not be read afterwards.</summary>
    public void Return(TrainingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Pixels.Length == BatchSize * 3 * CropSize * CropSize)
            _freeBuffers.Enqueue(batch.Pixels);
    }

    private async Task ProduceAsync(RateAnchorBalance balance, int seed, long batchIndex, CancellationToken cancellationToken)
    {
        try
        {
            for (; !cancellationToken.IsCancellationRequested; batchIndex++)
            {
                var random = new Random(BatchSeed(seed, batchIndex));
                int size = CropSize, plane = size * size;
                if (!_freeBuffers.TryDequeue(out float[]? pixels))
                    pixels = new float[BatchSize * 3 * plane];
                var rates = new int[BatchSize];
                for (int b = 0; b < BatchSize; b++)
                {
                    (byte[] rgb, int width, int height) = _images[random.Next(_images.Count)];
                    int x0 = random.Next(width - size + 1), y0 = random.Next(height - size + 1);
                    bool flipX = random.Next(2) == 1, flipY = random.Next(2) == 1;
                    rates[b] = balance.Draw(random);
                    // Drawn after the others, and only when asked: flips-only runs keep their data stream (and resume exactly).
                    bool transpose = Augmentation == CropAugmentation.Dihedral && random.Next(2) == 1;
                    if (transpose)
                    {
                        CopyTransposed(rgb, width, x0, y0, flipX, flipY, pixels.AsSpan(b * 3 * plane, 3 * plane));
                        continue;
                    }
                    for (int c = 0; c < 3; c++)
                    {
                        for (int y = 0; y < size; y++)
                        {
                            int sy = flipY ? y0 + size - 1 - y : y0 + y;
                            Span<float> row = pixels.AsSpan(((b * 3 + c) * size + y) * size, size);
                            int source = (sy * width + x0) * 3 + c;
                            for (int x = 0; x < size; x++)
                            {
                                int sx = flipX ? size - 1 - x : x;
                                row[x] = rgb[source + 3 * sx] / 255f;  // float32(u8) / 255, as numpy computes it
                            }
                        }
                    }
                }
                await _batches.Writer.WriteAsync(new TrainingBatch(pixels, BatchSize, size, rates), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _batches.Writer.TryComplete();
        }
    }

    /// <summary>
    /// The crop at (x0, y0), flipped as asked, then transposed: output (y, x) is the flipped crop's (x, y). The flips
    /// apply to the crop's axes before the transpose, so the 8 combinations are the 8 symmetries of the square.
    /// </summary>
    private void CopyTransposed(byte[] rgb, int width, int x0, int y0, bool flipX, bool flipY, Span<float> sample)
    {
        int size = CropSize, plane = size * size;
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < size; y++)
            {
                int cropX = flipX ? size - 1 - y : y;  // output row y is the flipped crop's column y
                Span<float> row = sample.Slice(c * plane + y * size, size);
                for (int x = 0; x < size; x++)
                {
                    int cropY = flipY ? size - 1 - x : x;
                    row[x] = rgb[((y0 + cropY) * width + x0 + cropX) * 3 + c] / 255f;
                }
            }
        }
    }

    /// <summary>A deterministic seed for batch <paramref name="index"/> (not HashCode: that is randomised per process).</summary>
    public static int BatchSeed(int seed, long index) => unchecked((int)(((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index * 0xBF58476D1CE4E5B9UL) >> 33));

    /// <summary>Stops the producer.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _producer.ConfigureAwait(false);
        _stop.Dispose();
    }
}
