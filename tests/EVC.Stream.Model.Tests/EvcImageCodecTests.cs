using EVC.Stream.Imaging;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Model.Tests;

/// <summary>The ten-line image API gives exactly what the official code gives, in both directions.</summary>
public sealed class EvcImageCodecTests
{
    private static readonly string s_kit = FactorizedPriorTests.Kit();

    [Fact]
    public void Encoding_a_png_gives_the_official_bin_and_decoding_it_the_official_reconstruction()
    {
        var codec = new EvcImageCodec(ModelFixture.EvcSs);
        PlanarImage image = PlanarImage.LoadPng(Path.Combine(s_kit, "inputs", "kodim08_crop97x61.png"));

        byte[] bin = codec.Encode(image, Quality.FromRateIndex(2));

        Assert.Equal(File.ReadAllBytes(Path.Combine(s_kit, "bin", "ss_kodim08crop97x61_r2.bin")), bin);
        byte[] rgb = codec.DecodeRgb24(bin, out int width, out int height);
        Assert.Equal((97, 61), (width, height));
        double psnr = PlanarImage.Psnr(PlanarImage.LoadRgb24(Path.Combine(s_kit, "recon", "ss_kodim08crop97x61_r2.png")), rgb);
        Assert.True(psnr >= 50, $"PSNR {psnr:F2} dB against the official reconstruction");
    }

    [Fact]
    public void Rgb24_in_and_deterministic_mode_round_trip_with_the_mode_read_from_the_bin()
    {
        PlanarImage image = PlanarImage.LoadPng(Path.Combine(s_kit, "inputs", "kodim08_crop97x61.png"));
        var deterministic = new EvcImageCodec(ModelFixture.EvcSs, StreamMode.Deterministic);

        byte[] bin = deterministic.Encode(image.ToRgb24(), image.Width, image.Height, Quality.FromRateIndex(1));

        Assert.Equal(StreamMode.Deterministic, BinFile.ReadWithMode(bin).Mode);
        PlanarImage decoded = new EvcImageCodec(ModelFixture.EvcSs).Decode(bin);  // an official-mode codec reads it too
        // The kit's checkpoint is a briefly trained one (≈ 14.5 dB here): compare with the official mode's round trip.
        var official = new EvcImageCodec(ModelFixture.EvcSs);
        double psnrOfficial = PlanarImage.Psnr(image.ToRgb24(), official.DecodeRgb24(official.Encode(image, Quality.FromRateIndex(1)), out _, out _));
        double psnr = PlanarImage.Psnr(image.ToRgb24(), decoded.ToRgb24());
        Assert.InRange(psnr, psnrOfficial - 0.5, psnrOfficial + 0.5);
        double estimate = deterministic.EstimateBitsPerPixel(image, Quality.FromRateIndex(1));
        Assert.InRange(estimate, 0.5 * bin.Length * 8 / (97.0 * 61), 1.5 * bin.Length * 8 / (97.0 * 61));
    }

    [Fact]
    public void Wrong_sized_rgb_and_a_damaged_bin_are_refused_with_their_reason()
    {
        var codec = new EvcImageCodec(ModelFixture.EvcSs);
        Assert.Throws<ArgumentException>(() => codec.Encode(new byte[10], 2, 2, Quality.Default));
        Assert.Throws<InvalidDataException>(() => codec.Decode(new byte[5]));
    }
}
