using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace EVC.Stream.Cli.Tests;

/// <summary>
/// <c>capture -o srt://|udp://|tcp://</c> on loopback: an FFmpeg receiver records what arrives, <c>remux</c> turns the
/// transport stream back into .evcs, and the frames counted there are the frames sent.
/// </summary>
[Collection("Console")]
public sealed partial class NetworkCaptureTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-network-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("udp", "udp://127.0.0.1:{0}?timeout=8000000", "udp://127.0.0.1:{0}", 1.0)]
    [InlineData("tcp", "tcp://127.0.0.1:{0}?listen=1", "tcp://127.0.0.1:{0}", 1.0)]
    // FFmpeg's SRT listener starts at the first stream header it sees after probing (up to a second of frames before
    // it); the sender's linger keeps the last frames (without it: 28 of 40 measured here).
    [InlineData("srt", "srt://127.0.0.1:{0}?mode=listener", "srt://127.0.0.1:{0}", 0.5)]
    public async Task Capture_sends_every_frame_over_the_network(string transport, string listen, string send, double minimumFraction)
    {
        int port = 9400 + Random.Shared.Next(500) + (transport == "srt" ? 1000 : transport == "tcp" ? 500 : 0);
        string received = Path.Combine(_directory, $"{transport}.ts");
        var start = new ProcessStartInfo("ffmpeg", ["-v", "error", "-probesize", "32768", "-analyzeduration", "1000000",
            "-i", string.Format(CultureInfo.InvariantCulture, listen, port), "-map", "0", "-c", "copy", "-f", "mpegts", "-y", received])
        {
            RedirectStandardError = true,
        };
        using Process receiver = Process.Start(start)!;
        _ = receiver.StandardError.ReadToEndAsync();  // drained from the start: a full pipe blocks the writer
        await Task.Delay(1000);  // the listener is up

        const int Frames = 40;
        (int code, string output, string error) = CliRunner.Run("capture", "--device", "test", "-s", "64x48", "-r", "10", "--frames", $"{Frames}",
            "-o", string.Format(CultureInfo.InvariantCulture, send, port), "--quiet");
        Assert.True(code == 0, error);
        // The test source is live: it drops frames when the machine is busy (8 of 40 seen on a loaded CI machine); what
        // counts is that the frames sent arrive, so only a floor keeps the check from being vacuous.
        int sent = int.Parse(Written().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(sent >= Frames / 2, output);
        Assert.True(await Task.Run(() => receiver.WaitForExit(30_000)), "the receiver did not stop");

        string evcs = Path.Combine(_directory, $"{transport}.evcs");
        (code, output, error) = CliRunner.Run("remux", received, "-o", evcs);
        Assert.True(code == 0, error + output);
        int remuxed = int.Parse(Remuxed().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(remuxed >= sent * minimumFraction, $"{remuxed} of {sent} frames arrived over {transport}");
        Assert.True(remuxed <= sent);
    }

    [Fact]
    public void A_ts_file_output_holds_every_frame()
    {
        string ts = Path.Combine(_directory, "out.ts");
        (int code, string output, string error) = CliRunner.Run("capture", "--device", "test", "-s", "64x48", "-r", "10", "--frames", "12", "-o", ts, "--quiet");
        Assert.True(code == 0, error);
        string sent = Written().Match(output).Groups[1].Value;  // a live source may drop a frame on a busy machine
        (code, output, error) = CliRunner.Run("remux", ts, "-o", Path.Combine(_directory, "out.evcs"));
        Assert.True(code == 0, error);
        Assert.Contains($"remuxed {sent} frames", output);
    }

    [Theory]
    [InlineData("udp", "udp://127.0.0.1:{0}?timeout=8000000", "udp://127.0.0.1:{0}")]
    [InlineData("tcp", "tcp://127.0.0.1:{0}?listen=1", "tcp://127.0.0.1:{0}")]
    // SRT: the sender lingers until its last packets are acknowledged (FFmpegStreamRelay.SendUrl) and then keeps the
    // connection while the receiver plays out what it holds (FFmpegStreamRelay.CloseHold: the URL's latency and a
    // second), so a listening viewer gets every frame too. At 2 s of latency, without the hold, 19 of 30 arrived (and
    // 28 of 30 at the default 120 ms on a loaded machine).
    [InlineData("srt", "srt://127.0.0.1:{0}?mode=listener&latency=2000000", "srt://127.0.0.1:{0}?latency=2000000")]
    public async Task Decode_receives_a_capture_from_a_url(string transport, string listen, string send)
    {
        int port = 10500 + Random.Shared.Next(400) + (transport == "tcp" ? 500 : transport == "srt" ? 1000 : 0);
        string y4m = Path.Combine(_directory, $"{transport}.y4m");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(CliRunner.ToolFolder, "evcstream.dll"), "decode", string.Format(CultureInfo.InvariantCulture, listen, port), "-o", y4m, "--quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process viewer = Process.Start(start)!;
        Task<string> viewerOutputRead = viewer.StandardOutput.ReadToEndAsync(), viewerErrorRead = viewer.StandardError.ReadToEndAsync();
        await Task.Delay(3000);  // the viewer listens

        (int code, string output, string error) = CliRunner.Run("capture", "--device", "test", "-s", "64x48", "-r", "10", "--frames", "30",
            "-o", string.Format(CultureInfo.InvariantCulture, send, port), "--quiet");
        Assert.True(code == 0, error);
        int sent = int.Parse(Written().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(await Task.Run(() => viewer.WaitForExit(60_000)), "the viewer did not stop");
        string viewerOutput = await viewerOutputRead, viewerError = await viewerErrorRead;
        int presented = int.Parse(Presented().Match(viewerOutput).Groups[1].Value, CultureInfo.InvariantCulture);
        int inFile = File.ReadAllText(y4m, System.Text.Encoding.Latin1).Split("FRAME").Length - 1;
        Assert.Equal(presented, inFile);
        Assert.True(viewer.ExitCode == 0, viewerError + viewerOutput);
        // Frame-parallel decoding runs single-threaded 1x1 convolutions, before each of which libtorch used to ask for
        // NNPACK and, on CPUs it does not support, print a warning: 78 KB here, enough to block an unread stderr.
        Assert.DoesNotContain("NNPACK", viewerError, StringComparison.Ordinal);
        Assert.Contains($"{sent} frames presented of {sent} read", viewerOutput);  // every frame sent, decoded
        Assert.Equal(sent, inFile);
    }

    [Fact]
    public async Task Datagrams_lost_and_reordered_on_the_way_cost_only_frames_which_are_counted()
    {
        int viewerPort = 12000 + Random.Shared.Next(400);
        string y4m = Path.Combine(_directory, "lossy.y4m"), stats = Path.Combine(_directory, "lossy-stats.json");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(CliRunner.ToolFolder, "evcstream.dll"), "decode",
            string.Create(CultureInfo.InvariantCulture, $"udp://127.0.0.1:{viewerPort}?timeout=8000000"), "-o", y4m, "--stats", stats, "--quiet"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process viewer = Process.Start(start)!;
        Task<string> viewerOutputRead = viewer.StandardOutput.ReadToEndAsync(), viewerErrorRead = viewer.StandardError.ReadToEndAsync();
        int sent, dropped, swapped;
        await using (var relay = new LossyUdpRelay(viewerPort, dropRate: 0.08, swapRate: 0.04, seed: 21, protectedDatagrams: 16))
        {
            await Task.Delay(3000);  // the viewer listens
            (int code, string output, string error) = CliRunner.Run("capture", "--device", "test", "-s", "64x48", "-r", "10", "--frames", "80",
                "-o", string.Create(CultureInfo.InvariantCulture, $"udp://127.0.0.1:{relay.Port}"), "--quiet");
            Assert.True(code == 0, error);
            sent = int.Parse(Written().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            await Task.Delay(500);  // the last datagrams pass the relay
            (dropped, swapped) = (relay.Dropped, relay.Swapped);
        }
        Assert.True(dropped + swapped > 0, "the relay touched nothing");

        // The viewer never stalls: it ends on the sender's silence, with every intact frame decoded.
        Assert.True(await Task.Run(() => viewer.WaitForExit(60_000)), "the viewer stalled");
        string viewerOutput = await viewerOutputRead, viewerError = await viewerErrorRead;
        int presented = int.Parse(Presented().Match(viewerOutput).Groups[1].Value, CultureInfo.InvariantCulture);
        Match lostMatch = LostInTransport().Match(viewerOutput);
        Assert.True(lostMatch.Success, $"no lost frames reported after {dropped} dropped and {swapped} reordered datagrams: {viewerOutput}");
        int lost = int.Parse(lostMatch.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(3, viewer.ExitCode);  // partial output: the summary says what was lost
        Assert.Equal(presented, File.ReadAllText(y4m, System.Text.Encoding.Latin1).Split("FRAME").Length - 1);
        Assert.InRange(presented, sent / 2, sent - 1);
        // Every frame is presented or counted lost; only a loss in the last datagrams goes unseen (no later frame shows the gap).
        Assert.True(presented + lost >= sent - 3 && presented + lost <= sent, $"{presented} presented + {lost} lost of {sent} sent ({dropped} datagrams dropped, {swapped} reordered): {viewerOutput} {viewerError}");
        using var summary = System.Text.Json.JsonDocument.Parse(File.ReadLines(stats).Last());  // --stats: one JSON line per second, then the summary
        Assert.Equal("summary", summary.RootElement.GetProperty("kind").GetString());
        Assert.Equal(lost, summary.RootElement.GetProperty("lost").GetInt64());
        Assert.DoesNotContain("undecodable", viewerError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Three_viewers_watch_one_sender_through_a_gstreamer_relay()
    {
        // The relay is an existing one (tools/bootstrap.sh installs GStreamer): SRT in, TCP out to every viewer.
        int srtPort = 11000 + Random.Shared.Next(400), tcpPort = srtPort + 500;
        using Process relay = Process.Start(new ProcessStartInfo("gst-launch-1.0",
            ["-q", "srtsrc", $"uri=srt://:{srtPort}?mode=listener", "!", "tcpserversink", "host=127.0.0.1", $"port={tcpPort}", "sync=false"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _ = relay.StandardOutput.ReadToEndAsync();  // drained: a full pipe blocks the writer
        _ = relay.StandardError.ReadToEndAsync();
        var viewers = new List<Process>();
        var viewerOutputs = new List<(Task<string> Output, Task<string> Error)>();
        try
        {
            await Task.Delay(2000);
            for (int v = 0; v < 3; v++)
            {
                viewers.Add(Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(CliRunner.ToolFolder, "evcstream.dll"), "decode", $"tcp://127.0.0.1:{tcpPort}",
                    "-o", Path.Combine(_directory, $"viewer{v}.y4m"), "--quiet"])
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                })!);
                viewerOutputs.Add((viewers[^1].StandardOutput.ReadToEndAsync(), viewers[^1].StandardError.ReadToEndAsync()));
            }
            await Task.Delay(4000);  // every viewer connected
            (int code, string output, string error) = CliRunner.Run("capture", "--device", "test", "-s", "64x48", "-r", "10", "--frames", "50",
                "-o", $"srt://127.0.0.1:{srtPort}", "--quiet");
            Assert.True(code == 0, error);
            int sent = int.Parse(Written().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            for (int v = 0; v < viewers.Count; v++)
            {
                Process viewer = viewers[v];
                Assert.True(await Task.Run(() => viewer.WaitForExit(60_000)), "a viewer did not stop");
                string said = await viewerOutputs[v].Output;
                Match presented = Presented().Match(said);
                Assert.True(presented.Success, said + await viewerOutputs[v].Error);
                int frames = int.Parse(presented.Groups[1].Value, CultureInfo.InvariantCulture);
                // SRT drops packets that arrive too late for its latency window when the CPU is saturated (parallel test
                // assemblies on two cores) and loses the last frames in flight when the caller closes: seen 35 of 40
                // in CI, 32 of 33 at 128x96 by hand. What must hold: every viewer gets the stream, and never more.
                Assert.True(frames >= sent * 0.75 && frames <= sent, $"a viewer got {frames} of {sent} frames");
            }
        }
        finally
        {
            foreach (Process viewer in viewers)
            {
                if (!viewer.HasExited)
                    viewer.Kill();
                viewer.Dispose();
            }
            if (!relay.HasExited)
                relay.Kill();
        }
    }

    [Fact]
    public void Info_and_decode_read_a_ts_file()
    {
        string ts = Path.Combine(_directory, "clip.ts");
        (int code, string output, string error) = CliRunner.Run("capture", "--device", "test", "-s", "64x48", "-r", "10", "--frames", "8", "-o", ts, "--quiet");
        Assert.True(code == 0, error);
        string sent = Written().Match(output).Groups[1].Value;
        (code, output, error) = CliRunner.Run("info", ts, "--json");
        Assert.True(code == 0, error);
        Assert.Contains($"\"frames\": {sent}", output);
        (code, output, error) = CliRunner.Run("decode", ts, "-o", Path.Combine(_directory, "clip.y4m"), "--quiet");
        Assert.True(code == 0, error);
        Assert.Contains($"{sent} frames presented", output);
    }

    [Theory]
    [InlineData("rtmp://127.0.0.1/live")]
    [InlineData("http://127.0.0.1:8080/x")]
    public void Unsupported_urls_are_refused_naming_the_supported_ones(string url)
    {
        (int code, _, string error) = CliRunner.Run("capture", "--device", "test", "-o", url);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("srt://", error);
    }

    [GeneratedRegex(@"(\d+) frames written")]
    private static partial Regex Written();

    [GeneratedRegex(@"(\d+) frame\(s\) lost in transport")]
    private static partial Regex LostInTransport();

    [GeneratedRegex(@"(\d+) frames presented")]
    private static partial Regex Presented();

    [GeneratedRegex(@"remuxed (\d+) frames")]
    private static partial Regex Remuxed();
}
