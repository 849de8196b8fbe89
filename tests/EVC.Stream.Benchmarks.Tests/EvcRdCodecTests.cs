using EVC.Stream.Evaluation;
using EVC.Stream.Imaging;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Benchmarks.Tests;

/// <summary>EVC as a codec of the RD runner: swept over the rate anchors through <see cref="Quality"/>, one image coded and decoded.</summary>
public sealed class EvcRdCodecTests
{
    [Fact]
    public void EVC_sweeps_the_models_anchors_and_codes_an_image_back_to_its_size()
    {
        EvcModel model = UntrainedModel.Create("EVC_SS", EVC.Stream.Model.Checkpoints.ComputeDevice.Cpu);
        var codec = new EvcRdCodec(model, StreamMode.Deterministic);
        Assert.Equal(EvcRdCodec.DeterministicName, codec.Name);
        Assert.Equal("EVC EVC_SS (deterministic)", codec.Label);
        Assert.False(codec.CodesInParallel);
        Assert.Equal(["r0", "r1", "r2", "r3"], codec.Sweep.Select(s => s.Name));
        for (int rate = 0; rate < EvcArchitecture.AnchorCount; rate++)
            Assert.Equal(Quality.FromRateIndex(rate).Resolve(model), codec.Sweep[rate].Parameter);
        Assert.Equal("EVC EVC_SS (official mode)", new EvcRdCodec(model, StreamMode.Official).Label);

        var data = new float[3 * 40 * 24];
        for (int i = 0; i < data.Length; i++)
            data[i] = (i % 17) / 17f;
        var planar = new PlanarImage(40, 24, data);
        RdCoding coding = codec.Code(new RdImage("x.png", planar, planar.ToRgb24()), codec.Sweep[1], Path.GetTempPath());
        Assert.Equal(40 * 24 * 3, coding.Rgb.Length);
        Assert.True(coding.Bytes > 0);
    }
}
