using EVC.Stream.Container;
using EVC.Stream.Model.Codec;
using EVC.Stream.Model.Models;
using Xunit.Abstractions;
using EVC.Stream.Imaging;

namespace EVC.Stream.Pipeline.Tests;

/// <summary>
/// The decode path under faults, without a trained model: <see cref="PlaybackOptions.NetworkStub"/> turns each payload
/// into a picture, so every presented frame can be compared with the one its original packet gives. Cut, flipped,
/// inserted, deleted, swapped, shuffled and duplicated packets: no error, no hang, frames in order and each once, and
/// no frame lost whose bytes the fault did not touch.
/// </summary>
[Collection("Pipeline")]
public sealed class DecodeFaultTests(ITestOutputHelper output)
{
    private const int Frames = 30, Side = 64;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);

    // Never run: the stub replaces the networks (an untrained model, no weights file needed).
    private static readonly Lazy<ImageCodec> s_codec = new(() => new ImageCodec(new EvcModel(EvcArchitecture.Get("EVC_SS")), StreamMode.Deterministic));

    /// <summary>The stub: a picture made from the payload bytes.</summary>
    private static float[] Picture(EvcsPacket packet)
    {
        ReadOnlySpan<byte> payload = packet.Payload.Span;
        var planar = new float[3 * Side * Side];
        for (int i = 0; i < planar.Length; i++)
            planar[i] = payload[i % payload.Length] / 255f;
        return planar;
    }

    private sealed record Original(byte[] Bytes, long[] Offsets, long[] Ends, int HeaderLength, Dictionary<long, byte[]> Rgb)
    {
        /// <summary>The packet whose bytes hold <paramref name="position"/>, or -1.</summary>
        public int PacketAt(long position)
        {
            for (int k = 0; k < Offsets.Length; k++)
            {
                if (position >= Offsets[k] && position < Ends[k])
                    return k;
            }
            return -1;
        }
    }

    private static async Task<Original> BuildAsync()
    {
        var random = new Random(5);
        using var memory = new MemoryStream();
        var header = new EvcsHeader { Architecture = "EVC_SS", StreamMode = EvcsStreamMode.Deterministic, Width = Side, Height = Side, FrameRate = new EvcsRational(30, 1) };
        var offsets = new long[Frames];
        var ends = new long[Frames];
        var payloads = new byte[Frames][];
        int headerLength;
        await using (EvcsWriter writer = await EvcsWriter.CreateAsync(memory, header, new EvcsWriterOptions { LeaveOpen = true }))
        {
            headerLength = (int)writer.Position;
            for (int k = 0; k < Frames; k++)
            {
                payloads[k] = new byte[random.Next(20, 81)];
                random.NextBytes(payloads[k]);
                offsets[k] = writer.Position;
                await writer.WriteAsync(payloads[k], new EvcsPacketInfo(k, 3000L * k, 3, 0));
                ends[k] = writer.Position;
            }
        }
        byte[] bytes = memory.ToArray();
        var rgb = new Dictionary<long, byte[]>();
        await using (EvcsReader reader = await EvcsReader.OpenAsync(new MemoryStream(bytes)))
        {
            while (await reader.ReadPacketAsync() is { } packet)
            {
                using (packet)
                {
                    var frame = new byte[3 * Side * Side];
                    PixelConversion.PlanarToRgb24(Picture(packet), Side, Side, frame, Side, Side);
                    rgb.Add(packet.FrameNumber, frame);
                }
            }
        }
        return new Original(bytes, offsets, ends, headerLength, rgb);
    }

    /// <summary>Decodes <paramref name="bytes"/> and checks every frame; returns how many came out.</summary>
    private static async Task<int> DecodeAndCheckAsync(Original original, byte[] bytes, HashSet<int> touched, string what, bool pace = false)
    {
        await using EvcsReader reader = await EvcsReader.OpenAsync(new MemoryStream(bytes));
        var sink = new PipelineFixture.CollectingSink();
        PlaybackResult result = await PlaybackPipeline.RunAsync(reader, s_codec.Value, sink,
            new PlaybackOptions { NetworkStub = Picture, Pace = pace }, new PipelineStats("faults", PlaybackPipeline.StageNames), CancellationToken.None);
        Assert.True(result.Error is null, $"{result.Error} ({what})");
        for (int i = 0; i < sink.FrameNumbers.Count; i++)
        {
            long f = sink.FrameNumbers[i];
            Assert.True(i == 0 || f > sink.FrameNumbers[i - 1], $"frame {f} after {sink.FrameNumbers[Math.Max(0, i - 1)]}: out of order or twice ({what})");
            Assert.True(original.Rgb.TryGetValue(f, out byte[]? expected) && expected.AsSpan().SequenceEqual(sink.Frames[i]), $"frame {f} differs ({what})");
        }
        if (!pace)
        {
            for (int k = 0; k < Frames; k++)
                Assert.True(sink.FrameNumbers.Contains(k) || touched.Contains(k), $"untouched frame {k} not decoded ({what})");
        }
        return sink.FrameNumbers.Count;
    }

    private static byte[] Arrange(Original original, IEnumerable<int> order) =>
        [.. original.Bytes[..original.HeaderLength], .. order.SelectMany(k => original.Bytes[(int)original.Offsets[k]..(int)original.Ends[k]])];

    [Fact]
    public async Task A_thousand_faults_through_decode_lose_only_touched_frames_and_show_none_twice()
    {
        Original original = await BuildAsync();
        int cases = 0, errors = 0, hangs = 0, lost = 0, touchedTotal = 0;
        var failures = new List<string>();
        for (int seed = 0; seed < 1000; seed++)
        {
            var random = new Random(seed);
            var touched = new HashSet<int>();
            int[] order = Enumerable.Range(0, Frames).ToArray();
            byte[] bytes;
            string what;
            int position = original.HeaderLength + random.Next(original.Bytes.Length - original.HeaderLength);
            switch (seed % 8)
            {
                case 0:
                    bytes = original.Bytes[..position];
                    for (int k = 0; k < Frames; k++)
                        if (original.Ends[k] > position) touched.Add(k);
                    what = $"cut at {position}";
                    break;
                case 1:
                    bytes = (byte[])original.Bytes.Clone();
                    bytes[position] ^= (byte)(1 << random.Next(8));
                    touched.Add(original.PacketAt(position));
                    what = $"flip at {position}";
                    break;
                case 2:
                {
                    var junk = new byte[1 + random.Next(100)];
                    random.NextBytes(junk);
                    bytes = [.. original.Bytes[..position], .. junk, .. original.Bytes[position..]];
                    int k = original.PacketAt(position);
                    if (k >= 0 && position > original.Offsets[k])
                        touched.Add(k);
                    what = $"insert at {position}";
                    break;
                }
                case 3:
                {
                    int count = Math.Min(1 + random.Next(100), original.Bytes.Length - position);
                    bytes = [.. original.Bytes[..position], .. original.Bytes[(position + count)..]];
                    for (int i = position; i < position + count; i++)
                        touched.Add(original.PacketAt(i));
                    what = $"delete {count} at {position}";
                    break;
                }
                case 4:
                {
                    int a = random.Next(Frames), b = random.Next(Frames);
                    (order[a], order[b]) = (order[b], order[a]);
                    bytes = Arrange(original, order);
                    what = $"swap {a} {b}";
                    break;
                }
                case 5:
                    random.Shuffle(order);
                    bytes = Arrange(original, order);
                    what = "shuffle";
                    break;
                case 6:
                {
                    var list = order.ToList();
                    for (int n = 1 + random.Next(3); n > 0; n--)
                        list.Insert(random.Next(list.Count + 1), random.Next(Frames));
                    bytes = Arrange(original, list);
                    what = $"duplicates [{string.Join(",", list)}]";
                    break;
                }
                default:
                {
                    // A whole packet inside another's payload: the resync finds the copy.
                    int copied = random.Next(Frames), host = random.Next(Frames);
                    int into = (int)original.Offsets[host] + 36 + random.Next((int)(original.Ends[host] - original.Offsets[host]) - 36);
                    bytes = [.. original.Bytes[..into], .. original.Bytes[(int)original.Offsets[copied]..(int)original.Ends[copied]], .. original.Bytes[into..]];
                    touched.Add(host);
                    what = $"packet {copied} inside packet {host}";
                    break;
                }
            }
            touched.Remove(-1);
            cases++;
            try
            {
                int decoded = await Task.Run(() => DecodeAndCheckAsync(original, bytes, touched, $"seed {seed}: {what}")).WaitAsync(CaseTimeout);
                lost += Frames - decoded;
                touchedTotal += touched.Count;
            }
            catch (TimeoutException)
            {
                hangs++;
                failures.Add($"seed {seed}: {what}: no result within {CaseTimeout.TotalSeconds} s");
            }
            catch (Exception e)
            {
                errors++;
                failures.Add(e.Message);
            }
        }
        output.WriteLine($"decode: {cases} cases, {errors} failing, {hangs} hangs; frames lost {lost} vs packets touched {touchedTotal}");
        foreach (string failure in failures.Take(10))
            output.WriteLine("  " + failure);
        Assert.True(failures.Count == 0, $"{failures.Count} failing case(s); first: {failures.FirstOrDefault()}");
    }

    [Fact]
    public async Task Decode_shows_two_swapped_packets_in_order_and_a_duplicated_packet_once()
    {
        Original original = await BuildAsync();
        int[] swapped = [.. Enumerable.Range(0, Frames).Select(k => k == 14 ? 29 : k == 29 ? 14 : k)];
        Assert.Equal(Frames, await DecodeAndCheckAsync(original, Arrange(original, swapped), [], "14 and 29 swapped"));
        int[] duplicated = [.. Enumerable.Range(0, Frames), 12];  // the 31-frame case
        Assert.Equal(Frames, await DecodeAndCheckAsync(original, Arrange(original, duplicated), [], "12 twice"));
        // A paced player shows frames as they come: never one twice, never one behind a frame already shown.
        await DecodeAndCheckAsync(original, Arrange(original, [0, 1, 1, 2, 3, 3, 2, 4]), [], "paced", pace: true);
    }
}
