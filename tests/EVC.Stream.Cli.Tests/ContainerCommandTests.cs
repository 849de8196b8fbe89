using System.Text.Json;
using EVC.Stream.Container;
using Spectre.Console.Cli;

namespace EVC.Stream.Cli.Tests;

/// <summary><c>info</c>, <c>remux</c> and <c>bench container</c>, run in-process on files written by the container library.</summary>
[Collection("Console")]
public sealed class ContainerCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evcs-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Code, string Out, string Error) Run(params string[] args) => CliRunner.Run(args);

    /// <summary>Writes 10 frames (sizes 1000, 1100, …, 1900 bytes) at 25 fps; returns the path and packet offsets.</summary>
    private async Task<(string Path, long[] Offsets)> WriteAsync(string name, int frames = 10)
    {
        string path = Path.Combine(_directory, name);
        var offsets = new long[frames];
        var header = new EvcsHeader
        {
            Architecture = "EVC_SS",
            WeightsSha256 = Enumerable.Repeat((byte)0xAB, 32).ToArray(),
            Width = 1920,
            Height = 1080,
            PadBottom = 8,
            TimeBase = new EvcsRational(1, 1000),
            FrameRate = new EvcsRational(25, 1),
            EncoderName = "tests",
            Metadata = [new("title", "cli")],
        };
        await using EvcsWriter writer = await EvcsWriter.CreateAsync(File.Create(path), header);
        for (int k = 0; k < frames; k++)
        {
            offsets[k] = writer.Position;
            byte[] payload = new byte[1000 + 100 * k];
            new Random(k).NextBytes(payload);
            await writer.WriteAsync(payload, new EvcsPacketInfo(k, 40L * k, 2, 1));
        }
        return (path, offsets);
    }

    [Fact]
    public async Task Info_json_reports_header_frames_duration_bitrate_and_sizes()
    {
        (string path, _) = await WriteAsync("good.evcs");
        (int code, string output, string error) = Run("info", path, "--json");
        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Equal("EVC_SS", root.GetProperty("header").GetProperty("architecture").GetString());
        Assert.Equal(string.Concat(Enumerable.Repeat("ab", 32)), root.GetProperty("header").GetProperty("weights_sha256").GetString());
        Assert.Equal(10, root.GetProperty("frames").GetInt32());
        Assert.Equal(0.4, root.GetProperty("duration_seconds").GetDouble(), 9);
        Assert.Equal(14_500 * 8 / 0.4 / 1000, root.GetProperty("bitrate_kbps").GetDouble(), 6);
        JsonElement sizes = root.GetProperty("frame_bytes");
        Assert.Equal(1000, sizes.GetProperty("min").GetInt32());
        Assert.Equal(1450, sizes.GetProperty("median").GetDouble());
        Assert.Equal(1900, sizes.GetProperty("max").GetInt32());
        Assert.Equal("stored", root.GetProperty("index").GetString());
        Assert.Equal(10, root.GetProperty("trailer").GetProperty("frame_count").GetInt32());
        Assert.Equal(0, root.GetProperty("damaged_regions").GetArrayLength());
    }

    [Fact]
    public async Task Info_text_shows_the_header_and_damage()
    {
        (string path, long[] offsets) = await WriteAsync("damaged.evcs");
        byte[] bytes = await File.ReadAllBytesAsync(path);
        bytes[offsets[4] + 100] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);
        (int code, string output, string error) = Run("info", path);
        Assert.True(code == 0, error);
        Assert.Contains("EVC_SS", output, StringComparison.Ordinal);
        Assert.Contains($"damaged: byte {offsets[4]:N0}", output, StringComparison.Ordinal);
        Assert.Contains("PacketCrcMismatch", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remux_drops_damaged_packets_and_rebuilds_index_and_trailer()
    {
        (string path, long[] offsets) = await WriteAsync("cut.evcs");
        byte[] bytes = await File.ReadAllBytesAsync(path);
        bytes[offsets[2] + 7] ^= 0x01;                      // packet 2: header damaged
        bytes = bytes.AsSpan(0, (int)offsets[9] + 500).ToArray(); // cut inside packet 9: no index, no trailer
        await File.WriteAllBytesAsync(path, bytes);
        string repaired = Path.Combine(_directory, "repaired.evcs");

        (int code, string output, string error) = Run("remux", path, "-o", repaired);
        Assert.True(code == ExitCodes.PartialOutput, error);  // repaired, but two frames were lost
        Assert.Contains("remuxed 8 frames", output, StringComparison.Ordinal);

        (code, output, error) = Run("info", repaired, "--json");
        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(8, json.RootElement.GetProperty("frames").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("missing_frames").GetInt32()); // frame 2 (frame 9 was cut, after the last)
        Assert.Equal("stored", json.RootElement.GetProperty("index").GetString());
        Assert.Equal(8, json.RootElement.GetProperty("trailer").GetProperty("frame_count").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("damaged_regions").GetArrayLength());

        await using EvcsReader reader = await EvcsReader.OpenAsync(File.OpenRead(repaired));
        Assert.Equal([0L, 1, 3, 4, 5, 6, 7, 8], (await reader.GetIndexAsync()).Select(e => e.FrameNumber));
    }

    [Fact]
    public async Task Remux_puts_two_swapped_packets_back_and_drops_a_duplicate_keeping_all_30_frames()
    {
        (string path, long[] offsets) = await WriteAsync("swapped.evcs", frames: 30);
        byte[] bytes = await File.ReadAllBytesAsync(path);
        long end = offsets[29] + 36 + 1000 + 100 * 29;
        byte[] Packet(int k) => bytes[(int)offsets[k]..(int)(k < 29 ? offsets[k + 1] : end)];
        // Packets 14 and 29 swapped (the red-team case: 14 of 30 kept before), packet 7 twice; index and trailer dropped.
        int[] order = [.. Enumerable.Range(0, 30).Select(k => k == 14 ? 29 : k == 29 ? 14 : k), 7];
        byte[] damaged = [.. bytes[..(int)offsets[0]], .. order.SelectMany(Packet)];
        await File.WriteAllBytesAsync(path, damaged);
        string repaired = Path.Combine(_directory, "repaired.evcs");

        (int code, string output, string error) = Run("remux", path, "-o", repaired);
        Assert.True(code == 0, error);
        Assert.Contains("remuxed 30 frames", output, StringComparison.Ordinal);
        Assert.Contains("1 duplicate packet(s) dropped", output, StringComparison.Ordinal);

        await using EvcsReader reader = await EvcsReader.OpenAsync(File.OpenRead(repaired));
        Assert.Equal(EvcsIndexSource.Stored, reader.IndexSource);
        for (int k = 0; k < 30; k++)
        {
            using EvcsPacket packet = (await reader.ReadPacketAsync())!.Value;
            Assert.Equal(k, packet.FrameNumber);
            Assert.True(Packet(k).AsSpan(36).SequenceEqual(packet.Payload.Span));
        }
        Assert.Null(await reader.ReadPacketAsync());

        (code, output, error) = Run("info", path, "--json");
        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(30, json.RootElement.GetProperty("frames").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("missing_frames").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("duplicate_packets").GetInt32());
    }

    [Fact]
    public void Bench_container_json_reports_memory_and_file_throughput()
    {
        (int code, string output, string error) = Run("bench", "container", "--json", "--frames", "40", "--repeat", "1", "--no-pin", "--dir", _directory);
        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement media = json.RootElement.GetProperty("media");
        Assert.Equal(2, media.GetArrayLength());
        foreach (JsonElement medium in media.EnumerateArray())
        {
            Assert.True(medium.GetProperty("mux_demux_fps").GetDouble() > 0);
            Assert.True(medium.GetProperty("ratio_to_target").GetDouble() > 0);
        }
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task Bad_input_gives_one_line_on_stderr_and_a_nonzero_exit()
    {
        string text = Path.Combine(_directory, "notes.txt");
        await File.WriteAllTextAsync(text, "this is not a video stream at all");
        (string good, _) = await WriteAsync("in.evcs", frames: 1);
        string[][] cases =
        [
            ["info", Path.Combine(_directory, "missing.evcs")],
            ["info", text],
            ["remux", text, "-o", Path.Combine(_directory, "out.evcs")],
            ["remux", good],
            ["remux", good, "-o", good],
        ];
        foreach (string[] args in cases)
        {
            (int code, _, string error) = Run(args);
            Assert.NotEqual(0, code);
            string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            Assert.StartsWith("evcstream: error:", lines[0], StringComparison.Ordinal);
        }
        Assert.Contains("Not an .evcs stream", Run("info", text).Error, StringComparison.Ordinal);
    }
}
