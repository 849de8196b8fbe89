namespace EVC.Stream.Evaluation;

/// <summary>One coding of an RD run: an image (its PNG) with one codec at one setting.</summary>
public sealed record RdJob(string Image, IRdCodec Codec, RdSetting Setting)
{
    /// <summary>The file name, the key results are stored under.</summary>
    public string ImageName => Path.GetFileName(Image);
}
