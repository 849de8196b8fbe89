namespace EVC.Stream.Training;

/// <summary>
/// A batch of training crops: planar float [0, 1], (batch, 3, size, size) row-major, and the rate index of each sample.
/// Its pixel buffer is pooled: give the batch back with <see cref="ImageFolderLoader.Return"/> once its pixels are copied.
/// </summary>
public sealed record TrainingBatch(float[] Pixels, int Count, int CropSize, int[] RateIndexes);
