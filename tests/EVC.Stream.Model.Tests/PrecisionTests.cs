using EVC.Stream.Imaging;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Model.Tests;

/// <summary>
/// bf16 transforms: what is coded and the pixels change a little, the symbols never (deterministic streams decode
/// exactly, whichever precision either side ran); fp32 stays the official numbers.
/// </summary>
public sealed class PrecisionTests
{
    private static readonly Lazy<EvcModel> s_shipped = new(() =>
        EvcModelLoader.Load(EvcModelLoader.FindShipped(EVC.Stream.Tests.Shared.TestPaths.RepositoryRoot)
            ?? throw new FileNotFoundException("models/default.safetensors not found in the repository"), null, ComputeDevice.Cpu).Model);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_bf16_frame_decodes_to_its_symbols_on_either_precision_within_0_3_dB_of_fp32(int rateIndex)
    {
        EvcModel model = s_shipped.Value;
        PlanarImage image = PlanarImage.LoadPng(Path.Combine(FactorizedPriorTests.Kit(), "inputs", "kodim05_crop250x166.png"));
        using var scope = NewDisposeScope();
        Tensor x = ImageCodec.Pad(tensor(image.Data, [1, 3, image.Height, image.Width]));
        double q = Quality.FromRateIndex(rateIndex).Resolve(model);
        var bf16 = new ImageCodec(model, StreamMode.Deterministic, Precision.Bf16);
        var fp32 = new ImageCodec(model, StreamMode.Deterministic, Precision.Fp32);
        Assert.Equal(Precision.Bf16, bf16.Precision);

        byte[] bin = bf16.Compress(x, image.Height, image.Width, q, out CompressionTrace trace);

        // Symbols exact: both decoders rebuild the encoder's ŷ·curr_q bit for bit.
        Tensor? latentBf16 = null, latentFp32 = null;
        Tensor xHatBf16 = bf16.Decompress(bin, out _, out _, null, latent => latentBf16 = latent.clone());
        Tensor xHatFp32 = fp32.Decompress(bin, out _, out _, null, latent => latentFp32 = latent.clone());
        Assert.True(Same(trace.YHat, latentBf16!), "the bf16 decoder's latent differs from the encoder's");
        Assert.True(Same(trace.YHat, latentFp32!), "the fp32 decoder's latent differs from the encoder's");
        Assert.False(Same(xHatBf16, xHatFp32), "bf16 and fp32 synthesis gave identical pixels: bf16 did not run");

        // Quality: the bf16 round trip against the fp32 one, RGB PSNR of the 8-bit reconstructions.
        byte[] reference = image.ToRgb24();
        double psnrBf16 = Psnr(reference, xHatBf16, image);
        double psnrFp32 = Psnr(reference, fp32.Decompress(fp32.Compress(x, image.Height, image.Width, q, out _), out _, out _), image);
        Assert.True(Math.Abs(psnrBf16 - psnrFp32) <= 0.3, $"bf16 {psnrBf16:F3} dB vs fp32 {psnrFp32:F3} dB at rate index {rateIndex}");
        Assert.True(psnrFp32 > 25, $"fp32 {psnrFp32:F2} dB: not the trained shipped model?");
    }

    [Fact]
    public void Auto_is_fp32_for_official_streams_so_they_stay_the_official_bytes()
    {
        var codec = new EvcImageCodec(ModelFixture.EvcSs, StreamMode.Official, Precision.Auto);
        Assert.Equal(Precision.Fp32, codec.Precision);
        PlanarImage image = PlanarImage.LoadPng(Path.Combine(FactorizedPriorTests.Kit(), "inputs", "kodim08_crop97x61.png"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(FactorizedPriorTests.Kit(), "bin", "ss_kodim08crop97x61_r2.bin")), codec.Encode(image, Quality.FromRateIndex(2)));
    }

    [Fact]
    public void Auto_is_bf16_for_deterministic_streams_exactly_when_the_cpu_has_native_bf16()
    {
        Assert.Equal(PrecisionChoice.CpuHasBf16 ? Precision.Bf16 : Precision.Fp32, PrecisionChoice.Resolve(Precision.Auto, ComputeDevice.Cpu, StreamMode.Deterministic));
        Assert.Equal(Precision.Fp32, PrecisionChoice.Resolve(Precision.Fp32, ComputeDevice.Cpu, StreamMode.Deterministic));
        Assert.Equal(Precision.Bf16, PrecisionChoice.Resolve(Precision.Bf16, ComputeDevice.Cpu, StreamMode.Official));
    }

    [Theory]
    [InlineData("fp32", Precision.Fp32)]
    [InlineData("bf16", Precision.Bf16)]
    [InlineData("auto", Precision.Auto)]
    public void Names_parse_and_print_back(string name, Precision precision)
    {
        Assert.Equal(precision, PrecisionChoice.Parse(name));
        Assert.Equal(name, PrecisionChoice.Name(precision));
    }

    [Theory]
    [InlineData("fp8")]
    [InlineData("BF16")]
    [InlineData("")]
    public void Unknown_names_are_refused_naming_the_option(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => PrecisionChoice.Parse(name));
        Assert.Contains("--precision", e.Message);
        Assert.Contains("fp32, bf16 or auto", e.Message);
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static double Psnr(byte[] reference, Tensor xHat, PlanarImage image)
    {
        var rgb = new byte[reference.Length];
        ImageCodec.CopyToRgb24(xHat, rgb, image.Width, image.Height);
        return PlanarImage.Psnr(reference, rgb);
    }
}
