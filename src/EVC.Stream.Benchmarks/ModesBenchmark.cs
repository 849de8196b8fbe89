using EVC.Stream.Evaluation;
using EVC.Stream.Imaging;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// <c>bench modes</c>: what the deterministic stream mode costs. Every image is coded in official and in
/// deterministic mode at each rate anchor; real file sizes (whole <c>.bin</c>) and RGB PSNR of the 8-bit
/// reconstruction, as the official test script measures them, plus encode and decode times.
/// </summary>
public static class ModesBenchmark
{
    /// <summary>Codes every image at every anchor in both modes; <paramref name="progress"/> hears of each image done (<c>3/24 kodim03.png</c>).</summary>
    public static List<ModesAnchorResult> Run(ModesBenchmarkOptions options, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        EvcModel model = options.Model;
        TorchThreads.Use(options.Threads);
        var official = new ImageCodec(model, StreamMode.Official);
        var deterministic = new ImageCodec(model, options.DeterministicMode);

        const int Anchors = EvcArchitecture.AnchorCount;
        var sums = new double[Anchors, 10];
        double totalPixels = 0;
        IReadOnlyList<string> files = options.Images;
        for (int f = 0; f < files.Count; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            PlanarImage image = PlanarImage.LoadPng(files[f]);
            byte[] original = image.ToRgb24();
            double pixels = (double)image.Width * image.Height;
            totalPixels += pixels;
            for (int rate = 0; rate < Anchors; rate++)
            {
                double q = Quality.FromRateIndex(rate).Resolve(model);
                RdCoding a = EvcImageCoding.Code(official, image, q, copyInDecodeTime: false);
                RdCoding b = EvcImageCoding.Code(deterministic, image, q, copyInDecodeTime: false);
                double[] values = [a.Bytes * 8, b.Bytes * 8, PlanarImage.Psnr(original, a.Rgb), PlanarImage.Psnr(original, b.Rgb),
                    a.EncodeSeconds, b.EncodeSeconds, a.DecodeSeconds, b.DecodeSeconds];
                for (int k = 0; k < values.Length; k++)
                    sums[rate, k] += values[k];
            }
            progress?.Report($"{f + 1}/{files.Count} {Path.GetFileName(files[f])}");
        }

        var results = new List<ModesAnchorResult>();
        for (int rate = 0; rate < Anchors; rate++)
        {
            double n = files.Count;
            double bppA = sums[rate, 0] / totalPixels, bppB = sums[rate, 1] / totalPixels;
            results.Add(new ModesAnchorResult(rate, QScale.Round(Quality.FromRateIndex(rate).Resolve(model)).QUsed, bppA, bppB, (bppB / bppA - 1) * 100,
                sums[rate, 2] / n, sums[rate, 3] / n, sums[rate, 4] / n, sums[rate, 5] / n, sums[rate, 6] / n, sums[rate, 7] / n));
        }
        TorchThreads.Use(1);
        return results;
    }
}
