using EVC.Stream.Container;
using EVC.Stream.Media.Video;
using EVC.Stream.Model.Codec;
using Xunit.Abstractions;

namespace EVC.Stream.Pipeline.Tests;

/// <summary>
/// Frame-parallel capture and playback: several model workers (or decoders) code whole frames at once and the muxer
/// (or presenter) puts them back in order. The fixture runs torch on one thread, so a frame's float analysis is the
/// same whichever worker runs it and the payloads must match byte for byte.
/// </summary>
[Collection("Pipeline")]
public sealed class FrameParallelTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-frame-parallel-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Two_model_workers_write_the_packets_of_one_in_capture_order_with_identical_payloads()
    {
        const int Frames = 12;
        string clip = PipelineFixture.Clip(_directory, 128, 96, Frames);
        var source = new VideoSourceOptions { Kind = VideoSourceKind.File, Location = clip };
        string one = Path.Combine(_directory, "one.evcs"), two = Path.Combine(_directory, "two.evcs");
        (CaptureResult oneResult, _) = await PipelineFixture.CaptureAsync(source, one, new CaptureOptions { FrameWorkers = 1, EntropyWorkers = 2, Rate = new RateController(1.0) });
        (CaptureResult twoResult, PipelineStats twoStats) = await PipelineFixture.CaptureAsync(source, two, new CaptureOptions { FrameWorkers = 2, EntropyWorkers = 2, Rate = new RateController(1.0) });
        Assert.Null(oneResult.Error);
        Assert.Null(twoResult.Error);
        Assert.Equal((Frames, Frames, 0L), (twoResult.Captured, twoResult.Written, twoResult.Dropped));
        Assert.Equal(Frames, twoStats.Snapshot().Stages.Single(s => s.Stage == "model").Count);

        List<(long Number, long Pts, byte[] Payload)> expected = await PacketsAsync(one), actual = await PacketsAsync(two);
        Assert.Equal(Enumerable.Range(0, Frames).Select(i => (long)i), actual.Select(p => p.Number));
        Assert.Equal(Enumerable.Range(0, Frames).Select(i => i * 9000L), actual.Select(p => p.Pts));  // 10 fps in 1/90000: capture order
        for (int i = 0; i < Frames; i++)
            Assert.True(expected[i].Payload.AsSpan().SequenceEqual(actual[i].Payload), $"frame {i}: payload differs from the one-worker capture");
    }

    [Fact]
    public async Task Workers_finishing_out_of_order_are_written_in_order_within_the_reorder_window()
    {
        // Stubbed networks whose time varies a lot per batch: workers overtake each other all the time.
        const int Frames = 60;
        ImageCodec codec = PipelineFixture.Codec;
        ImageCodec.FrameSymbols symbols = await AnalysedSymbolsAsync(codec);
        int calls = 0;
        var options = new CaptureOptions
        {
            FrameWorkers = 3,
            EntropyWorkers = 2,
            Rate = new RateController(1.0),
            NetworkStub = n =>
            {
                Thread.Sleep(Interlocked.Increment(ref calls) % 4 == 0 ? 40 : 1);
                return Enumerable.Repeat(symbols, n).ToArray();
            },
        };
        string evcs = Path.Combine(_directory, "reorder.evcs");
        (CaptureResult result, _) = await PipelineFixture.CaptureAsync(
            new VideoSourceOptions { Kind = VideoSourceKind.Test, Width = 64, Height = 64, FrameRate = 10, MaxFrames = Frames, Paced = false }, evcs, options, codec);
        Assert.Null(result.Error);
        Assert.Equal(Frames, result.Written);
        List<(long Number, long Pts, byte[] Payload)> packets = await PacketsAsync(evcs);
        Assert.Equal(Enumerable.Range(0, Frames).Select(i => (long)i), packets.Select(p => p.Number));
        Assert.Equal(Enumerable.Range(0, Frames).Select(i => i * 9000L), packets.Select(p => p.Pts));
    }

    [Fact]
    public async Task Dropped_live_frames_do_not_stall_two_workers_and_are_counted()
    {
        string evcs = Path.Combine(_directory, "slow.evcs");
        (CaptureResult result, _) = await PipelineFixture.CaptureAsync(
            new VideoSourceOptions { Kind = VideoSourceKind.Test, Width = 64, Height = 64, FrameRate = 25, MaxFrames = 25 }, evcs,
            new CaptureOptions { FrameWorkers = 2, CaptureQueue = 2, ExtraModelDelay = TimeSpan.FromMilliseconds(300), Rate = new RateController(1.0) });
        output.WriteLine($"captured {result.Captured}, written {result.Written}, dropped {result.Dropped}");
        Assert.Null(result.Error);
        Assert.Equal(25, result.Captured);
        Assert.True(result.Dropped > 3, $"only {result.Dropped} dropped");
        Assert.Equal(result.Captured, result.Written + result.Dropped);
        List<(long Number, long Pts, byte[] Payload)> packets = await PacketsAsync(evcs);
        Assert.Equal(Enumerable.Range(0, (int)result.Written).Select(i => (long)i), packets.Select(p => p.Number));
        for (int i = 1; i < packets.Count; i++)
            Assert.True(packets[i].Pts > packets[i - 1].Pts, $"packet {i}: timestamp {packets[i].Pts} after {packets[i - 1].Pts}");
    }

    [Fact]
    public async Task Stopping_or_aborting_a_two_worker_capture_mid_run_leaves_a_finished_file()
    {
        var live = new VideoSourceOptions { Kind = VideoSourceKind.Test, Width = 64, Height = 64, FrameRate = 10 };
        foreach (bool abort in new[] { false, true })
        {
            string evcs = Path.Combine(_directory, abort ? "aborted.evcs" : "stopped.evcs");
            using var cut = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            (CaptureResult result, _) = await PipelineFixture.CaptureAsync(live, evcs, new CaptureOptions { FrameWorkers = 2, Rate = new RateController(1.0) },
                stop: abort ? default : cut.Token, abort: abort ? cut.Token : default);
            output.WriteLine($"{(abort ? "aborted" : "stopped")}: written {result.Written}, error {result.Error?.GetType().Name}");
            if (abort)
                Assert.IsType<OperationCanceledException>(result.Error);
            else
                Assert.Null(result.Error);
            Assert.True(result.Written > 2, $"{result.Written} frames written in 2 s");
            await using var stream = new FileStream(evcs, FileMode.Open, FileAccess.Read);
            await using EvcsReader reader = await EvcsReader.OpenAsync(stream);
            Assert.Equal(result.Written, reader.Trailer?.FrameCount);  // finished: trailer and index written
            (List<byte[]> frames, List<long> numbers, PlaybackResult played) = await PipelineFixture.DecodeAsync(evcs, new PlaybackOptions { Decoders = 2 });
            Assert.Equal(result.Written, frames.Count);
            Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => (long)i), numbers);
            Assert.Equal(0, played.Undecodable);
        }
    }

    [Fact]
    public async Task Two_decoders_present_the_frames_of_one_in_order_and_cancelling_stops_cleanly()
    {
        const int Frames = 10;
        string clip = PipelineFixture.Clip(_directory, 128, 96, Frames);
        string evcs = Path.Combine(_directory, "decode.evcs");
        await PipelineFixture.CaptureAsync(new VideoSourceOptions { Kind = VideoSourceKind.File, Location = clip }, evcs, new CaptureOptions { Rate = new RateController(1.0) });
        (List<byte[]> one, List<long> oneNumbers, PlaybackResult oneResult) = await PipelineFixture.DecodeAsync(evcs, new PlaybackOptions { Decoders = 1 });
        (List<byte[]> two, List<long> twoNumbers, PlaybackResult twoResult) = await PipelineFixture.DecodeAsync(evcs, new PlaybackOptions { Decoders = 2 });
        Assert.Null(twoResult.Error);
        Assert.Equal(Enumerable.Range(0, Frames).Select(i => (long)i), oneNumbers);
        Assert.Equal(oneNumbers, twoNumbers);
        Assert.Equal((oneResult.Presented, (long)Frames), (twoResult.Presented, twoResult.Decoded));
        for (int i = 0; i < Frames; i++)
            Assert.True(one[i].AsSpan().SequenceEqual(two[i]), $"frame {i} differs");

        // Cancelled after the third frame: the run ends without an error of its own, having presented a prefix in order.
        await using var stream = new FileStream(evcs, FileMode.Open, FileAccess.Read);
        await using EvcsReader reader = await EvcsReader.OpenAsync(stream);
        using var cancel = new CancellationTokenSource();
        var sink = new CancellingSink(3, cancel);
        PlaybackResult cut = await PlaybackPipeline.RunAsync(reader, PipelineFixture.Codec, sink, new PlaybackOptions { Decoders = 2 },
            new PipelineStats(evcs, PlaybackPipeline.StageNames), cancel.Token);
        Assert.True(cut.Error is null or OperationCanceledException, $"{cut.Error}");
        Assert.InRange(sink.Numbers.Count, 3, Frames - 1);
        Assert.Equal(Enumerable.Range(0, sink.Numbers.Count).Select(i => (long)i), sink.Numbers);
    }

    [Theory]
    [InlineData(64, 48, true, 2, 2)]     // padded 64x64: tiny, one worker per core
    [InlineData(64, 64, true, 8, 4)]     // the limit, at most 4
    [InlineData(128, 96, true, 2, 1)]    // larger: threads inside one frame
    [InlineData(320, 240, true, 2, 1)]
    [InlineData(64, 48, false, 2, 1)]    // CUDA: batches instead
    public void Auto_picks_workers_from_the_padded_frame_size(int width, int height, bool cpu, int cores, int workers) =>
        Assert.Equal(workers, FrameParallelism.Auto.Resolve(width, height, cpu, cores));

    [Fact]
    public void Frame_parallelism_parses_auto_or_a_count_and_rejects_the_rest()
    {
        Assert.True(FrameParallelism.Parse("auto").IsAuto);
        Assert.Equal(3, FrameParallelism.Parse("3").Workers);
        Assert.Equal(3, FrameParallelism.Parse("3").Resolve(1920, 1080, true, 2));
        Assert.Equal("auto", FrameParallelism.Auto.ToString());
        foreach (string bad in new[] { "0", "-1", "65", "two", "" })
            Assert.False(FrameParallelism.TryParse(bad, out _), bad);
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameParallelism.Of(0));
        Assert.Equal("FrameWorkers", Assert.Throws<ArgumentOutOfRangeException>(() => new CaptureOptions { FrameWorkers = 0 }).ParamName);
        Assert.Equal((1, 1, 2), (FrameParallelism.ThreadsPerWorker(2, 2), FrameParallelism.ThreadsPerWorker(1, 4), FrameParallelism.ThreadsPerWorker(8, 4)));
    }

    private static async Task<ImageCodec.FrameSymbols> AnalysedSymbolsAsync(ImageCodec codec)
    {
        await Task.Yield();
        using var scope = TorchSharp.torch.NewDisposeScope();
        return codec.AnalyseBatch(TorchSharp.torch.full(1, 3, 64, 64, 0.5f), 1.0)[0];
    }

    private static async Task<List<(long Number, long Pts, byte[] Payload)>> PacketsAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
        await using EvcsReader reader = await EvcsReader.OpenAsync(stream);
        var packets = new List<(long, long, byte[])>();
        while (await reader.ReadPacketAsync() is EvcsPacket packet)
        {
            using (packet)
                packets.Add((packet.FrameNumber, packet.Pts, packet.Payload.ToArray()));
        }
        return packets;
    }

    private sealed class CancellingSink(int after, CancellationTokenSource cancel) : IFrameSink
    {
        public List<long> Numbers { get; } = [];

        public ValueTask WriteAsync(RawFrame frame, CancellationToken cancellationToken)
        {
            using (frame)
                Numbers.Add(frame.Index);
            if (Numbers.Count == after)
                cancel.Cancel();
            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
