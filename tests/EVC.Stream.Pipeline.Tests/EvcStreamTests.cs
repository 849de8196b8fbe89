using EVC.Stream.Container;
using EVC.Stream.Imaging;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Pipeline.Tests;

/// <summary>The frame-by-frame stream API writes what the real-time player reads, and reads what it writes.</summary>
public sealed class EvcStreamTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-stream-api-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] Frame(int width, int height, int t)
    {
        var rgb = new byte[3 * width * height];
        for (int y = 0, i = 0; y < height; y++)
            for (int x = 0; x < width; x++, i += 3)
                (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)(3 * x + 5 * t), (byte)(3 * y), (byte)(x * y + t));
        return rgb;
    }

    [Fact]
    public async Task Frames_written_one_by_one_read_back_in_order_and_equal_the_players_decode()
    {
        const int Width = 70, Height = 50, Frames = 4;
        string path = Path.Combine(_directory, "api.evcs");
        EvcModel model = PipelineFixture.Codec.Model;
        await using (EvcStreamWriter writer = await EvcStreamWriter.CreateAsync(File.Create(path), model, Width, Height, frameRate: 12.5))
        {
            for (int t = 0; t < Frames; t++)
                await writer.WriteFrameAsync(Frame(Width, Height, t), Quality.FromRateIndex(2));
            await writer.CompleteAsync();
            Assert.Equal(Frames, writer.FrameCount);
            // As capture codes: the automatic choice (bf16 where the CPU has it), not plain fp32.
            Assert.Equal(PrecisionChoice.Resolve(Precision.Auto, model.QBasic.device.type == TorchSharp.DeviceType.CPU, StreamMode.Deterministic), writer.Precision);
        }

        var read = new List<DecodedFrame>();
        await using (EvcStreamReader reader = await EvcStreamReader.OpenAsync(File.OpenRead(path), model))
        {
            Assert.Equal((Width, Height, EvcsStreamMode.Deterministic), (reader.Header.Width, reader.Header.Height, reader.Header.StreamMode));
            await foreach (DecodedFrame frame in reader.ReadFramesAsync())
                read.Add(frame);
            Assert.Empty(reader.Damage);
        }
        Assert.Equal([0L, 1, 2, 3], read.Select(f => f.FrameNumber));
        Assert.Equal(0.08, (read[1].Pts - read[0].Pts) / 90_000.0, 6);
        for (int t = 0; t < Frames; t++)
            Assert.InRange(PlanarImage.Psnr(Frame(Width, Height, t), read[t].Rgb24), 8, 99);  // the kit's briefly trained checkpoint: a likeness, not quality

        // An explicit fp32 reader decodes the same symbols (only the synthesis rounding differs from the default's), and
        // the real-time decoder (parallel decoders, the player's path) with the same fp32 codec gives the same pixels.
        var fp32Frames = new List<byte[]>();
        await using (EvcStreamReader fp32 = await EvcStreamReader.OpenAsync(File.OpenRead(path), model, Precision.Fp32))
        {
            Assert.Equal(Precision.Fp32, fp32.Precision);
            await foreach (DecodedFrame frame in fp32.ReadFramesAsync())
                fp32Frames.Add(frame.Rgb24);
        }
        Assert.Equal(Frames, fp32Frames.Count);
        for (int t = 0; t < Frames; t++)
            Assert.InRange(PlanarImage.Psnr(read[t].Rgb24, fp32Frames[t]), 30, 99);
        (List<byte[]> played, _, _) = await PipelineFixture.DecodeAsync(path);
        Assert.Equal(fp32Frames, played);
    }

    [Fact]
    public async Task Wrong_frame_sizes_and_other_weights_are_refused()
    {
        string path = Path.Combine(_directory, "sizes.evcs");
        EvcModel model = PipelineFixture.Codec.Model;
        await using (EvcStreamWriter writer = await EvcStreamWriter.CreateAsync(File.Create(path), model, 32, 32, frameRate: 10))
        {
            await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteFrameAsync(new byte[10], Quality.Default));
            await writer.WriteFrameAsync(Frame(32, 32, 0), Quality.Default);
            await writer.CompleteAsync();
        }
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => EvcStreamWriter.CreateAsync(new MemoryStream(), model, 32, 32, frameRate: 0));

        using EvcModel other = new(EvcArchitecture.Get("EVC_SS"));  // randomly initialised: other weights
        await Assert.ThrowsAsync<ArgumentException>(() => EvcStreamReader.OpenAsync(File.OpenRead(path), other));
    }
}
