using System.Globalization;
using System.Text;

namespace EVC.Stream.Container.Tests;

/// <summary>
/// The worked example of <c>docs/evcs-format.md</c> is a test: the hex dump is parsed out of the document and compared
/// with what the writer produces, and the reader must read it back. Set EVCS_GOLDEN_OUT=FILE to write the current
/// dump when the format changes on purpose.
/// </summary>
public class GoldenBytesTests
{
    private const string DumpStart = "<!-- golden: example.evcs -->";

    /// <summary>The example of section 8: two tiny packets, index and trailer.</summary>
    internal static async Task<byte[]> ExampleAsync()
    {
        var header = new EvcsHeader
        {
            Architecture = "EVC_SS",
            StreamMode = EvcsStreamMode.DeterministicV1,  // byte 60 = 1: the example predates version 2
            WeightsSha256 = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
            Width = 64,
            Height = 48,
            PadRight = 0,
            PadBottom = 16,
            ColorSpace = EvcsColorSpace.Bt709,
            ColorRange = EvcsColorRange.Full,
            TimeBase = new EvcsRational(1, 90_000),
            FrameRate = new EvcsRational(30, 1),
            EncoderName = "evcstream",
            EncoderVersion = "0.1",
            Metadata = [new("title", "demo")],
        };
        using var memory = new MemoryStream();
        await using (EvcsWriter writer = await EvcsWriter.CreateAsync(memory, header, new EvcsWriterOptions { LeaveOpen = true }))
        {
            await writer.WriteAsync(new byte[] { 0x01, 0x02, 0x03, 0x04, 0x05 }, new EvcsPacketInfo(0, 0, 3, 2));
            await writer.WriteAsync(new byte[] { 0xAA, 0xBB, 0xCC }, new EvcsPacketInfo(1, 3000, 3, 2, EvcsPacketFlags.EndOfStream));
        }
        return memory.ToArray();
    }

    internal static string HexDump(byte[] bytes)
    {
        var text = new StringBuilder();
        for (int line = 0; line < bytes.Length; line += 16)
        {
            text.Append(CultureInfo.InvariantCulture, $"{line:x8} ");
            for (int i = line; i < line + 16; i++)
            {
                if (i % 16 == 8)
                    text.Append(' ');
                text.Append(i < bytes.Length ? string.Create(CultureInfo.InvariantCulture, $" {bytes[i]:x2}") : "   ");
            }
            text.Append("  |");
            for (int i = line; i < Math.Min(line + 16, bytes.Length); i++)
                text.Append(bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '.');
            text.Append("|\n");
        }
        return text.ToString();
    }

    internal static string DocPath() => Path.Combine(EVC.Stream.Tests.Shared.TestPaths.RepositoryRoot, "docs", "evcs-format.md");

    /// <summary>Bytes of the first fenced block after the golden marker: "OFFSET  hex bytes … |ascii|" lines.</summary>
    internal static byte[] ParseDump(string markdown)
    {
        int marker = markdown.IndexOf(DumpStart, StringComparison.Ordinal);
        Assert.True(marker >= 0, $"the document has no '{DumpStart}' marker");
        int open = markdown.IndexOf("```", marker, StringComparison.Ordinal);
        int bodyStart = markdown.IndexOf('\n', open) + 1;
        int close = markdown.IndexOf("```", bodyStart, StringComparison.Ordinal);
        var bytes = new List<byte>();
        foreach (string raw in markdown[bodyStart..close].Split('\n'))
        {
            string line = raw.Split('|')[0].Trim();
            if (line.Length == 0)
                continue;
            string[] tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(bytes.Count, int.Parse(tokens[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            foreach (string token in tokens.Skip(1))
                bytes.Add(byte.Parse(token, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }
        return [.. bytes];
    }

    [Fact]
    public async Task The_writer_produces_the_documented_example_byte_for_byte()
    {
        byte[] actual = await ExampleAsync();
        string? output = Environment.GetEnvironmentVariable("EVCS_GOLDEN_OUT");
        if (!string.IsNullOrEmpty(output))
            await File.WriteAllTextAsync(output, HexDump(actual));
        byte[] documented = ParseDump(await File.ReadAllTextAsync(DocPath()));
        Assert.Equal(HexDump(documented), HexDump(actual));
    }

    [Fact]
    public async Task The_documented_example_reads_back()
    {
        byte[] documented = ParseDump(await File.ReadAllTextAsync(DocPath()));
        await using EvcsReader reader = await TestStreams.OpenAsync(documented);
        Assert.Equal("EVC_SS", reader.Header.Architecture);
        Assert.Equal((64, 48, 0, 16), (reader.Header.Width, reader.Header.Height, reader.Header.PadRight, reader.Header.PadBottom));
        Assert.Equal("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", reader.Header.WeightsSha256Hex);
        var packets = await TestStreams.ReadAllAsync(reader);
        Assert.Equal(2, packets.Count);
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, packets[1].Payload);
        Assert.Equal(EvcsPacketFlags.EndOfStream, packets[1].Info.Flags);
        Assert.Equal(new EvcsTrailer(2, 6000, 203), reader.Trailer);
        Assert.Equal(EvcsIndexSource.Stored, reader.IndexSource);
        Assert.Empty(reader.Damage);
    }
}
