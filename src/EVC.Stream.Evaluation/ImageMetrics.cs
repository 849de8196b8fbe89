using EVC.Stream.Imaging;

namespace EVC.Stream.Evaluation;

/// <summary>
/// Distortion metrics on 8-bit RGB images (rgb24, row-major): PSNR in BT.709 Y'CbCr (full range, from the 8-bit RGB values, no rounding), and
/// MS-SSIM (Wang, Simoncelli, Bovik 2003) on RGB, averaged over the channels as <c>pytorch_msssim</c> computes it.
/// </summary>
public static class ImageMetrics
{
    /// <summary>PSNR of Y', Cb, Cr in BT.709 (full range, values 0..255 for Y' and centred ±127.5 for chroma, peak 255).</summary>
    public static YuvPsnr Bt709Psnr(ReadOnlySpan<byte> reference, ReadOnlySpan<byte> test)
    {
        if (reference.Length != test.Length || reference.Length == 0 || reference.Length % 3 != 0)
            throw new ArgumentException("images differ in size");
        const double kr = 0.2126, kb = 0.0722, kg = 1 - kr - kb;
        double sy = 0, su = 0, sv = 0;
        for (int i = 0; i < reference.Length; i += 3)
        {
            double dr = reference[i] - test[i], dg = reference[i + 1] - test[i + 1], db = reference[i + 2] - test[i + 2];
            double dy = kr * dr + kg * dg + kb * db;  // linear: the difference of the transforms is the transform of the difference
            double du = (db - dy) / (2 * (1 - kb));
            double dv = (dr - dy) / (2 * (1 - kr));
            sy += dy * dy;
            su += du * du;
            sv += dv * dv;
        }
        double n = reference.Length / 3.0;
        return new YuvPsnr(Psnr(sy / n, 255), Psnr(su / n, 255), Psnr(sv / n, 255));
    }

    /// <summary>MS-SSIM of two RGB images: 5 scales, Gaussian window 11 (σ 1.5), K1 0.01, K2 0.03, weights of the paper; each side must exceed 160 pixels.</summary>
    public static double MsSsim(ReadOnlySpan<byte> reference, ReadOnlySpan<byte> test, int width, int height)
    {
        if (reference.Length != 3 * width * height || test.Length != reference.Length)
            throw new ArgumentException("images differ in size");
        if (Math.Min(width, height) <= 160)
            throw new ArgumentException($"MS-SSIM with 5 scales needs both sides above 160 pixels (got {width}x{height})");
        double total = 0;
        for (int c = 0; c < 3; c++)
        {
            double[] x = Plane(reference, c, width, height), y = Plane(test, c, width, height);
            total += MsSsimPlane(x, y, width, height);
        }
        return total / 3;
    }

    /// <summary>Single-scale SSIM of one plane (same window and constants), for checks.</summary>
    public static double Ssim(double[] x, double[] y, int width, int height)
    {
        (double ssim, _) = SsimAndContrast(x, y, width, height);
        return ssim;
    }

    private static readonly double[] s_weights = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];
    private static readonly double[] s_window = GaussianWindow(11, 1.5);

    private static double MsSsimPlane(double[] x, double[] y, int width, int height)
    {
        double result = 1;
        for (int scale = 0; scale < s_weights.Length; scale++)
        {
            (double ssim, double contrast) = SsimAndContrast(x, y, width, height);
            if (scale == s_weights.Length - 1)
                result *= Math.Pow(Math.Max(ssim, 0), s_weights[scale]);
            else
            {
                result *= Math.Pow(Math.Max(contrast, 0), s_weights[scale]);
                (x, int w2, int h2) = Downsample(x, width, height);
                (y, _, _) = Downsample(y, width, height);
                (width, height) = (w2, h2);
            }
        }
        return result;
    }

    /// <summary>Mean SSIM and mean contrast-structure term over the valid (unpadded) window positions.</summary>
    private static (double Ssim, double Contrast) SsimAndContrast(double[] x, double[] y, int width, int height)
    {
        const double c1 = 0.01 * 255 * 0.01 * 255, c2 = 0.03 * 255 * 0.03 * 255;
        double[] mx = Blur(x, width, height, out int ow, out int oh), my = Blur(y, width, height, out _, out _);
        double[] xx = new double[x.Length], yy = new double[x.Length], xy = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] sxx = Blur(xx, width, height, out _, out _), syy = Blur(yy, width, height, out _, out _), sxy = Blur(xy, width, height, out _, out _);
        double ssimSum = 0, csSum = 0;
        for (int i = 0; i < ow * oh; i++)
        {
            double vx = sxx[i] - mx[i] * mx[i], vy = syy[i] - my[i] * my[i], cov = sxy[i] - mx[i] * my[i];
            double cs = (2 * cov + c2) / (vx + vy + c2);
            ssimSum += (2 * mx[i] * my[i] + c1) / (mx[i] * mx[i] + my[i] * my[i] + c1) * cs;
            csSum += cs;
        }
        return (ssimSum / (ow * oh), csSum / (ow * oh));
    }

    /// <summary>Separable Gaussian filter, "valid" output (no padding), as pytorch_msssim.</summary>
    private static double[] Blur(double[] plane, int width, int height, out int outWidth, out int outHeight)
    {
        int k = s_window.Length;
        outWidth = width - k + 1;
        outHeight = height - k + 1;
        var horizontal = new double[outWidth * height];
        for (int yy = 0; yy < height; yy++)
        {
            for (int xx = 0; xx < outWidth; xx++)
            {
                double sum = 0;
                for (int t = 0; t < k; t++)
                    sum += s_window[t] * plane[yy * width + xx + t];
                horizontal[yy * outWidth + xx] = sum;
            }
        }
        var result = new double[outWidth * outHeight];
        for (int yy = 0; yy < outHeight; yy++)
        {
            for (int xx = 0; xx < outWidth; xx++)
            {
                double sum = 0;
                for (int t = 0; t < k; t++)
                    sum += s_window[t] * horizontal[(yy + t) * outWidth + xx];
                result[yy * outWidth + xx] = sum;
            }
        }
        return result;
    }

    /// <summary>2x2 average pooling (odd edges dropped), as <c>avg_pool2d(kernel 2)</c>.</summary>
    private static (double[] Plane, int Width, int Height) Downsample(double[] plane, int width, int height)
    {
        int w = width / 2, h = height / 2;
        var result = new double[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                result[y * w + x] = (plane[2 * y * width + 2 * x] + plane[2 * y * width + 2 * x + 1] + plane[(2 * y + 1) * width + 2 * x] + plane[(2 * y + 1) * width + 2 * x + 1]) / 4;
        return (result, w, h);
    }

    private static double[] GaussianWindow(int size, double sigma)
    {
        var window = new double[size];
        double sum = 0;
        for (int i = 0; i < size; i++)
        {
            double d = i - size / 2;
            window[i] = Math.Exp(-d * d / (2 * sigma * sigma));
            sum += window[i];
        }
        for (int i = 0; i < size; i++)
            window[i] /= sum;
        return window;
    }

    /// <summary>One channel of an rgb24 image as doubles.</summary>
    public static double[] Plane(ReadOnlySpan<byte> rgb, int channel, int width, int height)
    {
        var plane = new double[width * height];
        for (int i = 0; i < plane.Length; i++)
            plane[i] = rgb[3 * i + channel];
        return plane;
    }

    private static double Psnr(double mse, double peak) => mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(peak * peak / mse);
}
