namespace EVC.Stream.Model.Models;

/// <summary>
/// Multiply-accumulates per image pixel of a full encode + decode (all networks; each convolution counted at the
/// resolution it runs at). For scalable-encoder models every encoder is counted (the highest level).
/// </summary>
public static class Complexity
{
    /// <summary>MACs per pixel of <paramref name="model"/>.</summary>
    public static double MacsPerPixel(EvcModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        double total = 0;
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in model.named_parameters())
        {
            if (!name.EndsWith(".weight", StringComparison.Ordinal) || parameter.dim() != 4)
                continue;
            long[] s = parameter.shape;  // out, in/groups, kh, kw
            double perOutputPixel = (double)s[0] * s[1] * s[2] * s[3];
            int scale = OutputScale(name);
            total += perOutputPixel / ((double)scale * scale);
        }
        return total;
    }

    /// <summary>The downsampling factor (relative to the image) at which the convolution <paramref name="name"/> produces its output.</summary>
    internal static int OutputScale(string name)
    {
        string[] parts = name.Split('.');
        int Block(int at) => int.Parse(parts[at], System.Globalization.CultureInfo.InvariantCulture);
        switch (parts[0])
        {
            case "enc":
                return EncoderScale(Block(1));
            case "encs":
                return EncoderScale(Block(2));
            case "dec":
                {
                    int block = Block(1);
                    int input = new[] { 16, 16, 8, 8, 4, 4, 2, 2 }[block];
                    // ResidualBlockUpsample: its 3x3 conv runs after the pixel shuffle, at twice the resolution.
                    return parts.Length > 2 && parts[2] == "conv" && block is 1 or 3 or 5 ? input / 2 : input;
                }
            case "hyper_enc":
                return Block(1) switch { 0 => 16, 1 => 32, _ => 64 };
            case "hyper_dec":
                return Block(1) switch { 0 => 64, 1 => 32, _ => 16 };
            case "y_prior_fusion":
            case "y_spatial_prior":
                return 16;
            default:
                throw new ArgumentException($"unknown convolution {name}");
        }
    }

    private static int EncoderScale(int block) => new[] { 2, 2, 4, 4, 8, 8, 16 }[block];
}
