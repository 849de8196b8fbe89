using EVC.Stream.Container;

namespace EVC.Stream.Cli.Tests;

/// <summary><c>remux</c> between .evcs and MPEG-TS (docs/evcs-ts.md), in-process.</summary>
[Collection("Console")]
public sealed class TransportRemuxCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evcs-cli-ts-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Remux_to_ts_and_back_gives_the_same_file()
    {
        string original = Path.Combine(_directory, "a.evcs"), ts = Path.Combine(_directory, "a.ts"), back = Path.Combine(_directory, "b.evcs");
        var header = new EvcsHeader
        {
            Architecture = "EVC_SS",
            WeightsSha256 = Enumerable.Repeat((byte)0xCD, 32).ToArray(),
            Width = 128,
            Height = 96,
            TimeBase = new EvcsRational(1, 1000),
            FrameRate = new EvcsRational(10, 1),
        };
        await using (EvcsWriter writer = await EvcsWriter.CreateAsync(File.Create(original), header))
        {
            for (int k = 0; k < 25; k++)
            {
                byte[] payload = new byte[500 + 3000 * k];
                new Random(k).NextBytes(payload);
                await writer.WriteAsync(payload, new EvcsPacketInfo(k, 100L * k, 1, 1));
            }
            await writer.CompleteAsync();
        }

        (int code, string output, _) = CliRunner.Run("remux", original, "-o", ts);
        Assert.Equal(0, code);
        Assert.Contains("remuxed 25 frames to MPEG-TS", output, StringComparison.Ordinal);
        Assert.Equal(0x47, File.ReadAllBytes(ts)[0]);

        (code, output, _) = CliRunner.Run("remux", ts, "-o", back);
        Assert.Equal(0, code);
        Assert.Contains("remuxed 25 frames from MPEG-TS", output, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(back));
    }

    [Fact]
    public void A_ts_file_without_an_EVC_stream_is_unreadable_input()
    {
        string junk = Path.Combine(_directory, "junk.ts");
        File.WriteAllBytes(junk, new byte[188 * 20]);
        (int code, _, string error) = CliRunner.Run("remux", junk, "-o", Path.Combine(_directory, "out.evcs"));
        Assert.Equal(1, code);
        Assert.Contains("junk.ts", error, StringComparison.Ordinal);
    }
}
