using EVC.Stream.Imaging;
namespace EVC.Stream.Cli.Tests;

/// <summary><c>image encode/decode</c> and <c>models import/info</c> on the reference kit's small case.</summary>
[Collection("Console")]
public sealed class ImageCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-image-cli-").FullName;
    private static readonly string s_kit = FindKit();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string FindKit() => EVC.Stream.Tests.Shared.TestPaths.Kit;

    private static string Checkpoint => Path.Combine(s_kit, "checkpoints", "EVC_SS.pth.tar");

    [Fact]
    public void Encode_reproduces_the_official_bin_and_decode_the_official_png()
    {
        string bin = Path.Combine(_directory, "out.bin");
        (int code, _, string error) = CliRunner.Run("image", "encode", Path.Combine(s_kit, "inputs", "kodim08_crop97x61.png"), "-o", bin,
            "--arch", "EVC_SS", "--weights", Checkpoint, "--quality", "2");
        Assert.True(code == 0, error);
        Assert.Equal(File.ReadAllBytes(Path.Combine(s_kit, "bin", "ss_kodim08crop97x61_r2.bin")), File.ReadAllBytes(bin));

        string png = Path.Combine(_directory, "out.png");
        (code, _, error) = CliRunner.Run("image", "decode", bin, "-o", png, "--arch", "EVC_SS", "--weights", Checkpoint);
        Assert.True(code == 0, error);
        // The synthesis is float: a pixel may round the other way, so compare as the issue does (PSNR ≥ 50 dB).
        double psnr = PlanarImage.Psnr(PlanarImage.LoadRgb24(Path.Combine(s_kit, "recon", "ss_kodim08crop97x61_r2.png")), PlanarImage.LoadRgb24(png));
        Assert.True(psnr >= 50, $"PSNR {psnr:F2} dB against the official reconstruction");
    }

    [Fact]
    public void Imported_weights_carry_their_architecture_and_decode_the_same()
    {
        string weights = Path.Combine(_directory, "ss.safetensors");
        (int code, _, string error) = CliRunner.Run("models", "import", Checkpoint, "--arch", "EVC_SS", "-o", weights);
        Assert.True(code == 0, error);
        (code, string output, error) = CliRunner.Run("models", "info", weights);
        Assert.True(code == 0, error);
        Assert.Contains("EVC_SS", output);
        Assert.Contains("12,778,256", output);
        Assert.Contains("106.0 K", output);

        string png = Path.Combine(_directory, "out.png");
        (code, _, error) = CliRunner.Run("image", "decode", Path.Combine(s_kit, "bin", "ss_kodim08crop97x61_r2.bin"), "-o", png, "--weights", weights);
        Assert.True(code == 0, error);
    }

    [Fact]
    public void Deterministic_encode_writes_an_EVCD_bin_that_decodes_with_any_thread_count()
    {
        string input = Path.Combine(s_kit, "inputs", "kodim05_crop250x166.png");
        string bin = Path.Combine(_directory, "det.bin");
        (int code, string output, string error) = CliRunner.Run("image", "encode", input, "-o", bin, "--arch", "EVC_SS", "--weights", Checkpoint,
            "--quality", "1", "--deterministic", "--threads", "2");
        Assert.True(code == 0, error);
        Assert.Contains("deterministic mode", output);
        Assert.Equal("EVCD\u0002"u8.ToArray(), File.ReadAllBytes(bin)[..5]);

        string one = Path.Combine(_directory, "det1.png"), two = Path.Combine(_directory, "det2.png");
        (code, _, error) = CliRunner.Run("image", "decode", bin, "-o", one, "--arch", "EVC_SS", "--weights", Checkpoint, "--threads", "1");
        Assert.True(code == 0, error);
        (code, _, error) = CliRunner.Run("image", "decode", bin, "-o", two, "--arch", "EVC_SS", "--weights", Checkpoint);  // default: all cores
        Assert.True(code == 0, error);
        // Same symbols on both sides; only the float synthesis may round a value differently.
        double psnr = PlanarImage.Psnr(PlanarImage.LoadRgb24(one), PlanarImage.LoadRgb24(two));
        Assert.True(psnr >= 50, $"1- and 2-thread decodes differ: PSNR {psnr:F2} dB");
        double quality = PlanarImage.Psnr(PlanarImage.LoadRgb24(input), PlanarImage.LoadRgb24(one));
        Assert.True(quality > 12, $"reconstruction PSNR {quality:F2} dB");
    }

    public static IEnumerable<object[]> BadInvocations()
    {
        string bin = Path.Combine(s_kit, "bin", "ss_kodim08crop97x61_r2.bin");
        string input = Path.Combine(s_kit, "inputs", "kodim08_crop97x61.png");
        yield return ["image", "decode", "/nonexistent.bin", "-o", "/tmp/x.png", "--arch", "EVC_SS", "--weights", Checkpoint];
        yield return ["image", "encode", input, "-o", "/tmp/x.bin", "--arch", "EVC_LL", "--weights", Checkpoint];
        yield return ["image", "encode", input, "-o", "/tmp/x.bin", "--weights", Checkpoint];
        yield return ["image", "encode", bin, "-o", "/tmp/x.bin", "--arch", "EVC_SS", "--weights", Checkpoint];
        yield return ["image", "decode", input, "-o", "/tmp/x.png", "--arch", "EVC_SS", "--weights", Checkpoint];
    }

    [Theory]
    [MemberData(nameof(BadInvocations))]
    public void Bad_input_gives_one_line_and_a_nonzero_exit(params string[] args) => CliRunner.AssertOneLineError(args);

    [Fact]
    public void A_truncated_bin_is_reported_in_one_line()
    {
        string truncated = Path.Combine(_directory, "cut.bin");
        byte[] bin = File.ReadAllBytes(Path.Combine(s_kit, "bin", "ss_kodim08crop97x61_r2.bin"));
        File.WriteAllBytes(truncated, bin[..^40]);
        (int code, _, string error) = CliRunner.Run("image", "decode", truncated, "-o", Path.Combine(_directory, "x.png"), "--arch", "EVC_SS", "--weights", Checkpoint);
        Assert.NotEqual(0, code);
        Assert.Contains("truncated", error);
    }
}
