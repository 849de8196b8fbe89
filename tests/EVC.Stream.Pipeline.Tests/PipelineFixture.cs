using System.Diagnostics;
using EVC.Stream.Container;
using EVC.Stream.Media.Video;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using EVC.Stream.Tests.Shared;

namespace EVC.Stream.Pipeline.Tests;

/// <summary>The kit's EVC_SS in deterministic mode, FFmpeg-made clips, and helpers to run the pipelines in memory.</summary>
internal static class PipelineFixture
{
    private static readonly Lazy<EvcModel> s_model = new(() =>
    {
        TorchSharp.torch.set_num_threads(1);
        return WeightsFile.Load(Path.Combine(TestPaths.Kit, "checkpoints", "EVC_SS.pth.tar"), "EVC_SS");
    });

    private static readonly Lazy<ImageCodec> s_codec = new(() => new ImageCodec(s_model.Value, StreamMode.Deterministic));

    public static ImageCodec Codec => s_codec.Value;

    /// <summary>An FFmpeg testsrc2 clip written as .y4m (yuv420p), as a camera or a file would deliver it.</summary>
    public static string Clip(string directory, int width, int height, int frames, double fps = 10)
    {
        string path = Path.Combine(directory, $"clip_{width}x{height}_{frames}.y4m");
        RunFFmpeg($"-v error -f lavfi -i testsrc2=size={width}x{height}:rate={fps} -frames:v {frames} -pix_fmt yuv420p -y {path}");
        return path;
    }

    public static byte[] RunFFmpeg(string arguments) => FFmpegProcess.Run(arguments);

    public static EvcsHeader Header(VideoFormat format, ImageCodec codec) => new()
    {
        Architecture = "EVC_SS",
        StreamMode = EvcsStreamMode.Deterministic,
        Width = format.Width,
        Height = format.Height,
        PadRight = ImageCodec.PaddedSize(format.Width) - format.Width,
        PadBottom = ImageCodec.PaddedSize(format.Height) - format.Height,
        FrameRate = new EvcsRational((uint)Math.Round(format.FrameRate), 1),
    };

    /// <summary>Captures into a file and completes it; returns the result and the stats.</summary>
    public static async Task<(CaptureResult Result, PipelineStats Stats)> CaptureAsync(VideoSourceOptions source, string output, CaptureOptions options,
        ImageCodec? codec = null, CancellationToken stop = default, CancellationToken abort = default)
    {
        VideoFormat format = await VideoSource.ProbeAsync(source);
        codec ??= Codec;
        var stats = new PipelineStats(source.Label, CapturePipeline.StageNames);
        await using var stream = new FileStream(output, FileMode.Create, FileAccess.Write);
        await using EvcsWriter writer = await EvcsWriter.CreateAsync(stream, Header(format, codec), new EvcsWriterOptions { LeaveOpen = true });
        CaptureResult result = await CapturePipeline.RunAsync(source, format, codec, writer, options, stats, stop, abort);
        await writer.CompleteAsync();
        return (result, stats);
    }

    /// <summary>Plays a file at full speed into memory: the frames (rgb24) in order and the result.</summary>
    public static async Task<(List<byte[]> Frames, List<long> FrameNumbers, PlaybackResult Result)> DecodeAsync(string path, PlaybackOptions? options = null)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
        await using EvcsReader reader = await EvcsReader.OpenAsync(stream);
        var sink = new CollectingSink();
        PlaybackResult result = await PlaybackPipeline.RunAsync(reader, Codec, sink, options ?? new PlaybackOptions(), new PipelineStats(path, PlaybackPipeline.StageNames), CancellationToken.None);
        return (sink.Frames, sink.FrameNumbers, result);
    }

    public sealed class CollectingSink : IFrameSink
    {
        public List<byte[]> Frames { get; } = [];

        public List<long> FrameNumbers { get; } = [];

        public ValueTask WriteAsync(RawFrame frame, CancellationToken cancellationToken)
        {
            using (frame)
            {
                Frames.Add(frame.Rgb.ToArray());
                FrameNumbers.Add(frame.Index);
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
