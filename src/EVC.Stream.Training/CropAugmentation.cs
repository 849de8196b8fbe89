namespace EVC.Stream.Training;

/// <summary>How a training crop is transformed before it is used (each choice drawn per sample).</summary>
public enum CropAugmentation
{
    /// <summary>Random horizontal and vertical flips: 4 of the square's 8 symmetries.</summary>
    Flips,

    /// <summary>
    /// Flips and a random transpose: all 8 symmetries of the square (the dihedral group), twice the views of each
    /// crop — for a training set whose images are the crop size, where a crop has no other freedom.
    /// </summary>
    Dihedral,
}
