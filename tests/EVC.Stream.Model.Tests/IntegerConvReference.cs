namespace EVC.Stream.Model.Tests;

/// <summary>
/// The scalar reference of a version-2 fixed-point convolution in int64: input rounded to its resolution and clamped,
/// Σ W·x + B, requantised by an arithmetic shift — what every float32 GEMM must reproduce exactly.
/// </summary>
internal static class IntegerConvReference
{
    public static long[] Forward((double[] Weights, double[] Biases, int InputShift, double[] InverseScales, bool Depthwise) layer,
        double inputLimit, double[] input, int inChannels, int height, int width, out double largestBound)
    {
        int outChannels = layer.Biases.Length;
        long limit = (long)inputLimit;
        int shift = layer.InputShift;
        var x = new long[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            long value = (long)input[i];
            long rounded = shift > 0 ? (value + (1L << (shift - 1))) >> shift : value;  // floor(v·2^-s + ½)
            x[i] = Math.Clamp(rounded, -limit, limit);
        }
        int plane = height * width;
        var output = new long[outChannels * plane];
        largestBound = 0;
        for (int o = 0; o < outChannels; o++)
        {
            long bias = (long)layer.Biases[o];
            int exponent = -Math.ILogB(layer.InverseScales[o]);  // inverse scale = 2^-e exactly
            double bound = Math.Abs((double)bias);
            for (int p = 0; p < plane; p++)
            {
                long sum = bias;
                double absolute = Math.Abs((double)bias);
                if (layer.Depthwise)
                {
                    int row = p / width, column = p % width;
                    for (int k = 0; k < 9; k++)
                    {
                        int r = row + k / 3 - 1, c = column + k % 3 - 1;
                        if (r < 0 || r >= height || c < 0 || c >= width)
                            continue;
                        long product = (long)layer.Weights[o * 9 + k] * x[o * plane + r * width + c];
                        sum += product;
                        absolute += Math.Abs((double)product);
                    }
                }
                else
                {
                    for (int k = 0; k < inChannels; k++)
                    {
                        long product = (long)layer.Weights[o * inChannels + k] * x[k * plane + p];
                        sum += product;
                        absolute += Math.Abs((double)product);
                    }
                }
                bound = Math.Max(bound, absolute);
                output[o * plane + p] = exponent >= 0 ? sum >> exponent : sum << -exponent;
            }
            largestBound = Math.Max(largestBound, bound);
        }
        return output;
    }
}
