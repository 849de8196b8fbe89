using EVC.Stream.Container.Internal;

namespace EVC.Stream.Container.Tests;

/// <summary>A built test stream: its bytes and where everything is.</summary>
internal sealed record BuiltStream(byte[] Bytes, byte[][] Payloads, EvcsPacketInfo[] Infos, long[] Offsets, int HeaderLength, long IndexOffset)
{
    /// <summary>End offset (exclusive) of packet <paramref name="k"/>.</summary>
    public long End(int k) => Offsets[k] + EvcsConstants.PacketHeaderSize + Payloads[k].Length;

    /// <summary>The packet whose bytes contain <paramref name="position"/>, or -1.</summary>
    public int PacketAt(long position)
    {
        for (int k = 0; k < Offsets.Length; k++)
        {
            if (position >= Offsets[k] && position < End(k))
                return k;
        }
        return -1;
    }
}

/// <summary>Builds and reads test streams.</summary>
internal static class TestStreams
{
    public static EvcsHeader Header() => new()
    {
        Architecture = "EVC_SS",
        StreamMode = EvcsStreamMode.Deterministic,
        WeightsSha256 = Enumerable.Range(0, 32).Select(i => (byte)(0xA0 + i)).ToArray(),
        Width = 1920,
        Height = 1080,
        PadBottom = 8,
        ColorSpace = EvcsColorSpace.Bt709,
        ColorRange = EvcsColorRange.Limited,
        TimeBase = new EvcsRational(1, 90_000),
        FrameRate = new EvcsRational(30_000, 1001),
        EncoderName = "evcstream-tests",
        EncoderVersion = "1.2.3",
        Metadata = [new("title", "Prüfung ✓"), new("camera", "lavfi")],
    };

    /// <summary>A stream of <paramref name="count"/> packets with random payloads; frame numbers 0, <paramref name="frameStep"/>, 2·<paramref name="frameStep"/>, … .</summary>
    public static async Task<BuiltStream> BuildAsync(int count, int seed = 1, bool index = true, int minPayload = 16, int maxPayload = 300, bool complete = true, int frameStep = 2)
    {
        var random = new Random(seed);
        var payloads = new byte[count][];
        var infos = new EvcsPacketInfo[count];
        var offsets = new long[count];
        using var memory = new MemoryStream();
        var writer = await EvcsWriter.CreateAsync(memory, Header(), new EvcsWriterOptions { WriteIndex = index, LeaveOpen = true });
        int headerLength = (int)writer.Position;
        for (int k = 0; k < count; k++)
        {
            payloads[k] = new byte[random.Next(minPayload, maxPayload + 1)];
            random.NextBytes(payloads[k]);
            infos[k] = new EvcsPacketInfo(frameStep * k, 3003L * k + 1000, (ushort)random.Next(0, 64), (byte)random.Next(0, 6));
            offsets[k] = writer.Position;
            await writer.WriteAsync(payloads[k], infos[k]);
        }
        long indexOffset = index && complete ? writer.Position : 0;
        if (complete)
            await writer.CompleteAsync();
        // Without completion the writer is abandoned, as by kill -9: nothing more reaches the stream.
        return new BuiltStream(memory.ToArray(), payloads, infos, offsets, headerLength, indexOffset);
    }

    /// <summary>Every packet the reader returns, copied out.</summary>
    public static async Task<List<(EvcsPacketInfo Info, long Position, byte[] Payload)>> ReadAllAsync(EvcsReader reader, int limit = 100_000)
    {
        var packets = new List<(EvcsPacketInfo, long, byte[])>();
        while (await reader.ReadPacketAsync() is { } packet)
        {
            using (packet)
                packets.Add((packet.Info, packet.Position, packet.Payload.ToArray()));
            Assert.True(packets.Count <= limit, "the reader returned more packets than the stream holds");
        }
        return packets;
    }

    public static ValueTask<EvcsReader> OpenAsync(byte[] bytes, bool seekable = true, int maxChunk = int.MaxValue, EvcsReaderOptions? options = null) =>
        EvcsReader.OpenAsync(seekable ? new MemoryStream(bytes, writable: false) : new ForwardOnlyStream(bytes, maxChunk), options);

    /// <summary>Writes a packet header with valid CRCs but an arbitrary length field (no payload follows).</summary>
    public static byte[] ForgedPacketHeader(uint length, bool validHeaderCrc = true)
    {
        var header = new byte[EvcsConstants.PacketHeaderSize];
        PacketHeader.Write(header, new EvcsPacketInfo(99, 0, 1, 1), []);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), length);
        uint crc = Crc32C.Compute(header.AsSpan(0, 32));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(32), validHeaderCrc ? crc : ~crc);
        return header;
    }
}

/// <summary>A read-only stream that cannot seek and returns at most <c>maxChunk</c> bytes per read, like a pipe.</summary>
internal sealed class ForwardOnlyStream(byte[] bytes, int maxChunk = int.MaxValue) : System.IO.Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, maxChunk), bytes.Length - _position);
        bytes.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A write-only sink that keeps nothing (for allocation measurements).</summary>
internal sealed class DiscardStream : System.IO.Stream
{
    public long Written { get; private set; }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Written;
    public override long Position { get => Written; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Written += count;
    public override void Write(ReadOnlySpan<byte> buffer) => Written += buffer.Length;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Written += buffer.Length;
        return ValueTask.CompletedTask;
    }
}
