using EVC.Stream.Entropy;
using EVC.Stream.Imaging;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// <c>bench determinism</c>: how often float non-determinism breaks official-mode streams. Each image is encoded with
/// batch 1 and batch 4, with 1 and 2 threads; every stream is then decoded alone with the other thread count. Counts
/// the scale indexes that differ before the entropy coder and the frames that do not decode to the encoder's symbols.
/// The encoder and decoder models may live on different devices (a GPU encoder against a CPU decoder and the reverse).
/// </summary>
public static class DeterminismBenchmark
{
    private sealed record Setting(string Name, int Batch, int Threads);

    /// <summary>
    /// The first <paramref name="count"/> images of <paramref name="folder"/> (by name) of at least
    /// <paramref name="width"/>×<paramref name="height"/>, cropped to it from the top left and zero-padded right and
    /// bottom to multiples of 64, as the codec pads.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer such images than <paramref name="count"/>.</exception>
    public static List<float[]> LoadCrops(string folder, int count, int width, int height)
    {
        int paddedWidth = ImageCodec.PaddedSize(width), paddedHeight = ImageCodec.PaddedSize(height);
        var crops = new List<float[]>();
        foreach (string file in Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal))
        {
            PlanarImage image = PlanarImage.LoadPng(file);
            if (image.Width < width || image.Height < height)
                continue;
            var crop = new float[3 * paddedWidth * paddedHeight];  // zero padding right and bottom
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < height; y++)
                    Array.Copy(image.Data, c * image.Width * image.Height + y * image.Width, crop, (c * paddedHeight + y) * paddedWidth, width);
            crops.Add(crop);
            if (crops.Count == count)
                break;
        }
        if (crops.Count < count)
            throw new ArgumentException($"{folder} has only {crops.Count} images of at least {width}x{height}");
        return crops;
    }

    /// <summary>Encodes the crops with every setting in every mode, then decodes each stream alone; <paramref name="progress"/> hears each phase.</summary>
    public static DeterminismBenchmarkResult Run(DeterminismBenchmarkOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        double q = options.Quality.Resolve(options.EncoderModel);
        Setting[] grid = [new("batch 1, 1 thread", 1, 1), new("batch 1, 2 threads", 1, 2), new("batch 4, 1 thread", 4, 1), new("batch 4, 2 threads", 4, 2)];
        var results = new List<DeterminismSettingResult>();
        foreach (StreamMode mode in options.Modes)
            results.AddRange(Measure(new ImageCodec(options.EncoderModel, mode), new ImageCodec(options.DecoderModel, mode), options.Crops, options.Width, options.Height, q, grid, progress, cancellationToken));
        set_num_threads(1);
        return new DeterminismBenchmarkResult(QScale.Round(q).QUsed, results);
    }

    private static List<DeterminismSettingResult> Measure(ImageCodec codec, ImageCodec decoder, IReadOnlyList<float[]> crops, int width, int height, double q, Setting[] grid, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        string modeName = codec.Mode.ToString().ToLowerInvariant();

        var encoded = new Dictionary<string, ImageCodec.BatchItem[]>();
        foreach (Setting setting in grid)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report($"{modeName} mode, encoding: {setting.Name}");
            set_num_threads(setting.Threads);
            var items = new List<ImageCodec.BatchItem>();
            for (int start = 0; start < crops.Count; start += setting.Batch)
            {
                using var scope = NewDisposeScope();
                var batch = new float[setting.Batch * crops[0].Length];
                for (int b = 0; b < setting.Batch; b++)
                    crops[start + b].CopyTo(batch, b * crops[0].Length);
                items.AddRange(codec.CompressBatch(tensor(batch, new long[] { setting.Batch, 3, ImageCodec.PaddedSize(height), ImageCodec.PaddedSize(width) }).to(codec.Device), height, width, q));
            }
            encoded[setting.Name] = [.. items];
        }

        var results = new List<DeterminismSettingResult>();
        ImageCodec.BatchItem[] reference = encoded[grid[0].Name];
        foreach (Setting setting in grid)
        {
            ImageCodec.BatchItem[] items = encoded[setting.Name];
            int indexDifferences = 0;
            for (int i = 0; i < items.Length; i++)
                indexDifferences += Differences(items[i].Pass0Indexes, reference[i].Pass0Indexes) + Differences(items[i].Pass1Indexes, reference[i].Pass1Indexes);

            int decodeThreads = setting.Threads == 1 ? 2 : 1;
            progress?.Report($"{modeName} mode, decoding {setting.Name} streams with {decodeThreads} thread(s)");
            set_num_threads(decodeThreads);
            int exact = 0, broken = 0, decoderDifferences = 0;
            foreach (ImageCodec.BatchItem item in items)
            {
                using var scope = NewDisposeScope();
                var seen = new List<byte[]>();
                bool failed = false;
                try
                {
                    decoder.Decompress(item.Bin, out _, out _, (_, _, indexes) => seen.Add(indexes));
                }
                catch (EntropyCodingException)
                {
                    failed = true;
                }
                // A stream that fails before its first pass counts every index of both passes as different.
                int differences = (seen.Count > 0 ? Differences(seen[0], item.Pass0Indexes) : item.Pass0Indexes.Length)
                    + (seen.Count > 1 ? Differences(seen[1], item.Pass1Indexes) : item.Pass1Indexes.Length);
                decoderDifferences += differences;
                if (!failed && differences == 0)
                    exact++;
                else
                    broken++;
            }
            results.Add(new DeterminismSettingResult(modeName, setting.Name, indexDifferences, decodeThreads, exact, broken, decoderDifferences));
        }

        return results;
    }

    private static int Differences(byte[] a, byte[] b)
    {
        int count = 0;
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            count += a[i] != b[i] ? 1 : 0;
        return count + Math.Abs(a.Length - b.Length);
    }
}
