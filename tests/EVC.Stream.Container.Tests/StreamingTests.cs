using System.IO.Pipelines;
using System.IO.Pipes;

namespace EVC.Stream.Container.Tests;

/// <summary>Readers following a growing file, and round trips through pipes.</summary>
public class StreamingTests
{
    private static byte[] Payload(int k) => Enumerable.Range(0, 500 + 37 * k).Select(i => (byte)(i * 7 + k)).ToArray();

    private static async Task WriteFramesAsync(System.IO.Stream stream, int count, TimeSpan delay, CancellationToken cancellationToken, bool endOfStreamFlag = false)
    {
        await using EvcsWriter writer = await EvcsWriter.CreateAsync(stream, TestStreams.Header(), cancellationToken: cancellationToken);
        for (int k = 0; k < count; k++)
        {
            EvcsPacketFlags flags = endOfStreamFlag && k == count - 1 ? EvcsPacketFlags.EndOfStream : EvcsPacketFlags.None;
            await writer.WriteAsync(Payload(k), new EvcsPacketInfo(k, 3000L * k, 1, 0, flags), cancellationToken);
            if (delay > TimeSpan.Zero)
                await Task.Delay(delay, cancellationToken);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    private static async Task<int> ReadFramesAsync(EvcsReader reader, CancellationToken cancellationToken)
    {
        int k = 0;
        while (await reader.ReadPacketAsync(cancellationToken) is { } packet)
        {
            using (packet)
            {
                Assert.Equal(k, packet.FrameNumber);
                Assert.True(packet.Payload.Span.SequenceEqual(Payload(k)));
            }
            k++;
        }
        Assert.Empty(reader.Damage);
        return k;
    }

    [Fact]
    public async Task A_follower_reads_a_file_while_another_task_writes_it()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string path = Path.Combine(Path.GetTempPath(), $"evcs-follow-{Guid.NewGuid():N}.evcs");
        try
        {
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite);
            // The follower opens the file before its header exists and waits for it.
            var follower = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Task<int> reading = Task.Run(async () =>
            {
                await using EvcsReader reader = await EvcsReader.OpenAsync(follower, new EvcsReaderOptions { Follow = true, PollInterval = TimeSpan.FromMilliseconds(2) }, timeout.Token);
                int count = await ReadFramesAsync(reader, timeout.Token);
                Assert.Equal(30, reader.Trailer?.FrameCount);
                return count;
            });
            await Task.Delay(50, timeout.Token);
            await WriteFramesAsync(file, 30, TimeSpan.FromMilliseconds(3), timeout.Token);
            Assert.Equal(30, await reading);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_follower_stops_after_an_end_of_stream_packet_even_without_a_trailer()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string path = Path.Combine(Path.GetTempPath(), $"evcs-eos-{Guid.NewGuid():N}.evcs");
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite))
            {
                EvcsWriter writer = await EvcsWriter.CreateAsync(file, TestStreams.Header(), new EvcsWriterOptions { LeaveOpen = true });
                for (int k = 0; k < 3; k++)
                    await writer.WriteAsync(Payload(k), new EvcsPacketInfo(k, k, 0, 0, k == 2 ? EvcsPacketFlags.EndOfStream : EvcsPacketFlags.None));
                // The writer is abandoned: no trailer will come.
            }
            await using EvcsReader reader = await EvcsReader.OpenAsync(File.OpenRead(path), new EvcsReaderOptions { Follow = true }, timeout.Token);
            Assert.Equal(3, await ReadFramesAsync(reader, timeout.Token));
            Assert.Null(reader.Trailer);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_follower_is_cancellable_while_waiting()
    {
        BuiltStream built = await TestStreams.BuildAsync(2, complete: false);
        string path = Path.Combine(Path.GetTempPath(), $"evcs-cancel-{Guid.NewGuid():N}.evcs");
        try
        {
            await File.WriteAllBytesAsync(path, built.Bytes);
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await using EvcsReader reader = await EvcsReader.OpenAsync(File.OpenRead(path), new EvcsReaderOptions { Follow = true });
            (await reader.ReadPacketAsync(cancel.Token))!.Value.Dispose();
            (await reader.ReadPacketAsync(cancel.Token))!.Value.Dispose();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadPacketAsync(cancel.Token));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Round_trip_through_an_anonymous_pipe()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        Task writing = Task.Run(() => WriteFramesAsync(server, 40, TimeSpan.Zero, timeout.Token));
        await using EvcsReader reader = await EvcsReader.OpenAsync(client, cancellationToken: timeout.Token);
        Assert.False(reader.CanSeek);
        Assert.Equal(40, await ReadFramesAsync(reader, timeout.Token));
        await writing;
        Assert.Equal(40, reader.Trailer?.FrameCount);
        await Assert.ThrowsAsync<NotSupportedException>(async () => await reader.SeekAsync(3));
    }

    [Fact]
    public async Task Round_trip_through_a_System_IO_Pipelines_pipe()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var pipe = new Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024));
        Task writing = Task.Run(() => WriteFramesAsync(pipe.Writer.AsStream(), 40, TimeSpan.Zero, timeout.Token));
        await using EvcsReader reader = await EvcsReader.OpenAsync(pipe.Reader.AsStream(), cancellationToken: timeout.Token);
        Assert.Equal(40, await ReadFramesAsync(reader, timeout.Token));
        await writing;
    }
}
