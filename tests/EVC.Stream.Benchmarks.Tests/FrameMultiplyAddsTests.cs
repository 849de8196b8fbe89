using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Benchmarks.Tests;

/// <summary>The analytic multiply-add count of each network and each speed-bench stage.</summary>
public sealed class FrameMultiplyAddsTests
{
    [Fact]
    public void EVC_SS_costs_about_106_K_multiply_adds_per_pixel_encode_and_decode_together()
    {
        using var model = new EvcModel(EvcArchitecture.Get("EVC_SS"));
        FrameMultiplyAdds macs = FrameMultiplyAdds.Of(model, 320, 256);  // a 320x240 frame, padded
        Assert.Equal(320 * 256, macs.Pixels);
        double perPixel = (double)macs.EveryNetworkOnce / macs.Pixels;
        Assert.InRange(perPixel, 100_000, 112_000);
        // The shape walk agrees with the model's own figure, which scales each convolution by a table of resolutions.
        Assert.Equal(Complexity.MacsPerPixel(model), perPixel, 6);
    }

    [Fact]
    public void The_stages_add_up_to_every_network_once_plus_the_entropy_parameters_of_the_decoder_side()
    {
        using var model = new EvcModel(EvcArchitecture.Get("EVC_SS"));
        FrameMultiplyAdds macs = FrameMultiplyAdds.Of(model, 128, 128);
        Assert.Equal(macs.EveryNetworkOnce + macs.EntropyParameters, SpeedBenchmark.Stages.Sum(macs.ForStage));
        Assert.Equal(0, macs.ForStage("entropy encoding"));
        Assert.Equal(macs.Decoder, macs.ForStage("decoder network"));
        Assert.All([macs.Encoder, macs.HyperEncoder, macs.HyperDecoder, macs.PriorFusion, macs.SpatialPrior, macs.Decoder], n => Assert.True(n > 0));
        // Counts scale with the padded area: every convolution runs at a fixed fraction of the frame's resolution.
        Assert.Equal(4 * macs.EveryNetworkOnce, FrameMultiplyAdds.Of(model, 256, 256).EveryNetworkOnce);
        Assert.Throws<ArgumentException>(() => macs.ForStage("colour conversion"));
    }

    [Fact]
    public void A_scalable_model_counts_every_encoder_its_highest_level_runs()
    {
        using var single = new EvcModel(EvcArchitecture.Get("EVC_SS"));
        using var scalable = new EvcModel(EvcArchitecture.Get("Scale_EVC_SS"));
        FrameMultiplyAdds one = FrameMultiplyAdds.Of(single, 128, 64), all = FrameMultiplyAdds.Of(scalable, 128, 64);
        Assert.Equal(scalable.EncoderLevels * one.Encoder, all.Encoder);
        Assert.Equal(one.Decoder, all.Decoder);
    }

    [Fact]
    public void A_convolution_costs_its_kernel_per_output_pixel_at_its_stride_padding_and_groups()
    {
        using var strided = nn.Conv2d(4, 6, 3, stride: 2, padding: 1);
        Assert.Equal(6L * 4 * 9 * 4 * 3, MultiplyAddCounter.Count(strided, new FeatureShape(4, 7, 5), out FeatureShape output));
        Assert.Equal(new FeatureShape(6, 4, 3), output);

        using var depthwise = nn.Conv2d(8, 8, 3, padding: 1, groups: 8);
        Assert.Equal(8L * 1 * 9 * 10 * 10, MultiplyAddCounter.Count(depthwise, new FeatureShape(8, 10, 10), out output));
        Assert.Equal(new FeatureShape(8, 10, 10), output);

        using var transposed = nn.ConvTranspose2d(4, 2, 4, stride: 2, padding: 1);
        Assert.Equal(2L * 4 * 16 * 5 * 6, MultiplyAddCounter.Count(transposed, new FeatureShape(4, 5, 6), out output));
        Assert.Equal(new FeatureShape(2, 10, 12), output);

        using var upsample = nn.Sequential(nn.Conv2d(3, 12, 1), nn.PixelShuffle(2), nn.LeakyReLU(0.01));
        Assert.Equal(12L * 3 * 8 * 8, MultiplyAddCounter.Count(upsample, new FeatureShape(3, 8, 8), out output));
        Assert.Equal(new FeatureShape(3, 16, 16), output);
    }

    [Fact]
    public void A_layer_with_weights_of_unknown_cost_is_refused_not_counted_as_free()
    {
        using var norm = nn.Sequential(nn.Conv2d(3, 4, 1), nn.BatchNorm2d(4));
        Assert.Throws<NotSupportedException>(() => MultiplyAddCounter.Count(norm, new FeatureShape(3, 8, 8), out _));
    }
}
