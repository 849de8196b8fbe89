using EVC.Stream.Tests.Shared;

namespace EVC.Stream.Architecture.Tests;

/// <summary>The programs in <c>samples/</c> build with the solution and do what they say.</summary>
public sealed class SampleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-samples-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int ExitCode, string Output) RunSample(string name, params string[] arguments)
    {
        string dll = Path.Combine(TestPaths.RepositoryRoot, "samples", name, "bin", "Release", "net10.0", name + ".dll");
        Assert.True(File.Exists(dll), $"{dll} not built");
        return DotnetRun.Run(TestPaths.RepositoryRoot, TimeSpan.FromMinutes(3), [dll, .. arguments]);
    }

    [Fact]
    public void Every_sample_is_run_by_a_test()
    {
        string[] samples = [.. Directory.GetDirectories(Path.Combine(TestPaths.RepositoryRoot, "samples")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        string[] tested = [.. typeof(SampleTests).GetMethods().Where(m => m.Name.StartsWith("Sample_", StringComparison.Ordinal)).Select(m => m.Name.Split('_')[1]).Order(StringComparer.Ordinal)];
        Assert.Equal(samples, tested);
    }

    [Fact]
    public void Sample_EntropyRoundTrip_codes_and_decodes_a_latent()
    {
        (int exit, string output) = RunSample("EntropyRoundTrip");
        Assert.True(exit == 0, output);
    }

    [Fact]
    public void Sample_EncodeImage_encodes_a_png_and_decodes_it_back()
    {
        string output = Path.Combine(_directory, "decoded.png");
        (int exit, string log) = RunSample("EncodeImage", Path.Combine(TestPaths.Kit, "inputs", "kodim08_crop97x61.png"), output);
        Assert.True(exit == 0, log);
        Assert.Matches(@"97x61: \d+ bytes, [\d.]+ bpp, [\d.]+ dB", log);
        Assert.Equal(3 * 97 * 61, Imaging.PngCodec.Decode(File.ReadAllBytes(output)).Rgb.Length);
    }

    [Fact]
    public void Sample_CustomFrameSource_writes_a_stream_that_evcstream_reads()
    {
        string stream = Path.Combine(_directory, "custom.evcs");
        (int exit, string log) = RunSample("CustomFrameSource", stream, "6");
        Assert.True(exit == 0, log);
        Assert.Contains("6 frames of 96x64", log);
        (exit, log) = DotnetRun.Run(TestPaths.RepositoryRoot, TimeSpan.FromMinutes(2),
            Path.Combine(TestPaths.RepositoryRoot, "src", "EVC.Stream.Cli", "bin", "Release", "net10.0", "evcstream.dll"), "info", stream);
        Assert.True(exit == 0, log);
        Assert.Contains("96x64", log);
    }

    [Fact]
    public void Sample_ReadStream_decodes_every_frame_of_a_stream()
    {
        string stream = Path.Combine(_directory, "read.evcs");
        (int exit, string log) = RunSample("CustomFrameSource", stream, "4");
        Assert.True(exit == 0, log);
        (exit, log) = RunSample("ReadStream", stream);
        Assert.True(exit == 0, log);
        Assert.Contains("96x64 at 10 fps, EVC_SS", log);
        Assert.Matches(@"frame 3: 0\.300 s, mean [\d.]+", log);
        Assert.Contains("4 frames decoded", log);
    }
}
