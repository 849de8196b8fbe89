using System.Diagnostics;
using System.Text.Json;
using EVC.Stream.Entropy;
using EVC.Stream.Media;
using EVC.Stream.Model.Codec;
using EVC.Stream.Safetensors;
using Xunit.Abstractions;
using static TorchSharp.torch;
using EVC.Stream.Imaging;

namespace EVC.Stream.Model.Tests;

/// <summary>
/// Every case of the kit's manifest. The entropy parameters run in the official float32 summation order
/// (<see cref="EVC.Stream.Model.Conformance.ReferenceOrderNetwork"/>), so every scale index must equal the official one
/// and every <c>.bin</c> must be byte-identical and decode. Should an index ever differ (e.g. y from libtorch landing on
/// a rounding half-point), the test proves and prints whether it is a float-boundary case — and still fails: no kit case
/// is excused.
/// </summary>
public class KitConformanceTests(ITestOutputHelper output)
{
    /// <summary>A scale whose relative distance to a table boundary is below this is a float-boundary case.</summary>
    private const double BoundaryTolerance = 1e-4;

    public static IEnumerable<object[]> Cases()
    {
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(FactorizedPriorTests.Kit(), "manifest.json")));
        foreach (JsonElement c in manifest.RootElement.GetProperty("cases").EnumerateArray())
            yield return new object[] { c.GetProperty("name").GetString()! };
    }

    private static JsonElement Case(string name)
    {
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(FactorizedPriorTests.Kit(), "manifest.json")));
        return manifest.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).Clone();
    }

    internal static PlanarImage ToImage(Tensor xHat, int height, int width)
    {
        using Tensor cropped = xHat.narrow(2, 0, height).narrow(3, 0, width).contiguous().cpu();
        return new PlanarImage(width, height, cropped.data<float>().ToArray());
    }

    /// <summary>Relative distance of a scale from the nearest boundary of the scale→index buckets.</summary>
    private static double BoundaryDistance(float scale)
    {
        double step = (Math.Log(64) - Math.Log(0.11)) / 255;
        double u = (Math.Log(Math.Max(scale, 1e-5)) - Math.Log(0.11)) / step;
        return Math.Abs(u - Math.Round(u)) * step;
    }

    /// <summary>Index differences between ours and the official ones; throws unless every one is a boundary case.</summary>
    private int CheckIndexes(string pass, byte[] official, byte[] ours, float[] ourScales, int limit = int.MaxValue)
    {
        int boundaryCases = 0;
        for (int i = 0; i < Math.Min(official.Length, limit); i++)
        {
            if (official[i] == ours[i])
                continue;
            double distance = BoundaryDistance(ourScales[i]);
            output.WriteLine($"  {pass} index {i}: official {official[i]}, ours {ours[i]}, scale {ourScales[i]:R} is {distance:E2} (relative) from a bucket boundary");
            Assert.True(Math.Abs(official[i] - ours[i]) == 1 && distance < BoundaryTolerance,
                $"{pass} index {i} differs ({official[i]} vs {ours[i]}) and is not a float-boundary case (distance {distance:E2})");
            boundaryCases++;
        }
        return boundaryCases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encoding_the_official_input_matches_the_official_bin_except_proven_boundary_cases(string name)
    {
        JsonElement kitCase = Case(name);
        string kit = FactorizedPriorTests.Kit();
        var tensors = SafetensorsFile.Load(Path.Combine(kit, kitCase.GetProperty("tensors").GetString()!));
        PlanarImage input = PlanarImage.LoadPng(Path.Combine(kit, kitCase.GetProperty("input").GetString()!));
        var codec = new ImageCodec(ModelFixture.EvcSs);
        var watch = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        Tensor x = ImageCodec.Pad(tensor(input.Data, new long[] { 1, 3, input.Height, input.Width }));
        byte[] bin = codec.Compress(x, input.Height, input.Width, kitCase.GetProperty("q_scale_requested").GetDouble(), out CompressionTrace trace);
        long elapsed = watch.ElapsedMilliseconds;

        Assert.Equal(tensors.GetInt32("z_hat"), trace.ZSymbols);
        int boundary = CheckIndexes("pass0", tensors.GetUInt8("pass0_indexes"), trace.Pass0Indexes, trace.Pass0Scales.contiguous().data<float>().ToArray());
        // Pass 1's scales depend on pass 0's reconstruction: compare them only while pass 0 agreed.
        if (boundary == 0)
            boundary += CheckIndexes("pass1", tensors.GetUInt8("pass1_indexes"), trace.Pass1Indexes, trace.Pass1Scales.contiguous().data<float>().ToArray());
        if (tensors.Contains("pass0_symbols") && boundary == 0)
        {
            Assert.Equal(tensors.GetInt32("pass0_symbols"), trace.Pass0Symbols);
            Assert.Equal(tensors.GetInt32("pass1_symbols"), trace.Pass1Symbols);
        }
        byte[] official = File.ReadAllBytes(Path.Combine(kit, kitCase.GetProperty("bin").GetString()!));
        bool identical = bin.AsSpan().SequenceEqual(official);
        output.WriteLine($"{name}: encoded in {elapsed} ms, {bin.Length} bytes (official {official.Length}), identical: {identical}, boundary cases: {boundary}");
        Assert.Equal(0, boundary);
        Assert.Equal(official, bin);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Official_bin_decodes_to_the_official_reconstruction(string name)
    {
        JsonElement kitCase = Case(name);
        string kit = FactorizedPriorTests.Kit();
        var tensors = SafetensorsFile.Load(Path.Combine(kit, kitCase.GetProperty("tensors").GetString()!));
        byte[] bin = File.ReadAllBytes(Path.Combine(kit, kitCase.GetProperty("bin").GetString()!));
        var codec = new ImageCodec(ModelFixture.EvcSs);
        using var scope = NewDisposeScope();
        var passes = new List<(byte[] Indexes, float[] Scales)>();
        Tensor? xHat = null;
        EntropyCodingException? failure = null;
        try
        {
            xHat = codec.Decompress(bin, out _, out _, (pass, scales, indexes) => passes.Add((indexes, scales.contiguous().cpu().data<float>().ToArray())));
        }
        catch (EntropyCodingException e)
        {
            failure = e;
        }

        // Where our decoder-side indexes differ from the official ones, each difference must be a boundary case.
        int boundary = CheckIndexes("pass0", tensors.GetUInt8("pass0_indexes"), passes[0].Indexes, passes[0].Scales);
        if (boundary == 0 && passes.Count > 1)
            boundary += CheckIndexes("pass1", tensors.GetUInt8("pass1_indexes"), passes[1].Indexes, passes[1].Scales);

        Assert.True(boundary == 0, $"{name}: {boundary} boundary flip(s) desynchronise the official stream ({failure?.Message ?? "decoded to a wrong picture"})");
        Assert.Null(failure);
        byte[] ours = ToImage(xHat!, kitCase.GetProperty("height").GetInt32(), kitCase.GetProperty("width").GetInt32()).ToRgb24();
        byte[] official = PlanarImage.LoadRgb24(Path.Combine(kit, kitCase.GetProperty("recon").GetString()!));
        double psnr = PlanarImage.Psnr(ours, official);
        output.WriteLine($"{name}: PSNR vs the official reconstruction {psnr:F2} dB, {ours.Zip(official).Count(p => p.First != p.Second)} of {ours.Length} bytes differ");
        Assert.True(psnr >= 50, $"PSNR {psnr:F2} dB");
    }
}

/// <summary>The kit's EVC_SS, loaded once for all tests (1 thread: the official numeric path).</summary>
internal static class ModelFixture
{
    private static readonly Lazy<Models.EvcModel> s_evcSs = new(() =>
    {
        set_num_threads(1);
        return Checkpoints.CheckpointLoader.LoadOfficial(Path.Combine(FactorizedPriorTests.Kit(), "checkpoints", "EVC_SS.pth.tar"), Models.EvcArchitecture.Get("EVC_SS"));
    });

    public static Models.EvcModel EvcSs => s_evcSs.Value;
}
