using EVC.Stream.Imaging;
using EVC.Stream.Model.Codec;

namespace EVC.Stream.Training;

/// <summary>
/// Validation by real coding: the first images of a folder (by name) coded at every rate anchor (and every encoder
/// level of a scalable model) in deterministic mode, decoded back, sizes and RGB PSNR measured; the results appended
/// to the run's log.
/// </summary>
public sealed class TrainingValidator
{
    private readonly string _folder;
    private readonly int _count;
    private readonly TrainingLog _log;

    /// <summary>Validates on the first <paramref name="count"/> PNG images of <paramref name="folder"/>, logging to <paramref name="log"/>.</summary>
    public TrainingValidator(string folder, int count, TrainingLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        (_folder, _count, _log) = (folder, count, log);
    }

    /// <summary>
    /// Codes the images with <paramref name="model"/> (left in training mode afterwards); <paramref name="onPoint"/>
    /// hears each anchor's result as it is measured.
    /// </summary>
    public IReadOnlyList<ValidationPoint> Validate(EvcModel model, long step, bool student = false, Action<ValidationPoint>? onPoint = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        // Listed at every validation, as a run may outlive edits to the folder.
        string[] files = Directory.GetFiles(_folder, "*.png");
        Array.Sort(files, StringComparer.Ordinal);
        files = files[..Math.Min(_count, files.Length)];
        model.eval();
        model.RefreshTables();  // the z table follows the trained bit estimator
        var codec = new ImageCodec(model, StreamMode.Deterministic);
        PlanarImage[] images = [.. files.Select(PlanarImage.LoadPng)];  // decoded once for all anchors
        byte[][] originals = [.. images.Select(i => i.ToRgb24())];
        var points = new List<ValidationPoint>();
        // Scalable models (residual representation learning): every encoder level, lowest first.
        int levels = model.EncoderLevels;
        int[] codedLevels = levels > 1 ? [.. Enumerable.Range(0, levels)] : [-1];
        foreach (int level in codedLevels)
        {
            for (int rate = 0; rate < model.QScaleAnchors.shape[0]; rate++)
            {
                double bits = 0, pixels = 0, psnr = 0;
                for (int i = 0; i < images.Length; i++)
                {
                    PlanarImage image = images[i];
                    using var scope = NewDisposeScope();
                    Tensor x = ImageCodec.Pad(tensor(image.Data, new long[] { 1, 3, image.Height, image.Width }).to(model.QBasic.device));
                    byte[] bin = codec.Compress(x, image.Height, image.Width, model.Anchor(rate), level, out _);
                    Tensor xHat = codec.Decompress(bin, out int height, out int width).narrow(2, 0, height).narrow(3, 0, width).contiguous().cpu();
                    byte[] rgb = new PlanarImage(width, height, xHat.data<float>().ToArray()).ToRgb24();
                    bits += bin.Length * 8.0;
                    pixels += (double)width * height;
                    psnr += PlanarImage.Psnr(originals[i], rgb);
                }
                var point = new ValidationPoint(levels > 1 ? level : null, rate, model.Anchor(rate), bits / pixels, psnr / files.Length, files.Length);
                points.Add(point);
                onPoint?.Invoke(point);
            }
        }
        _log.AppendValidation(step, student, points);
        model.train();
        return points;
    }
}
