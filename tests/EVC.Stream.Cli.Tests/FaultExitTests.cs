using System.Diagnostics;
using EVC.Stream.Container;

namespace EVC.Stream.Cli.Tests;

/// <summary>Exit codes that tell the truth under faults: closed pipes, signals, sources that end early, undecodable streams, dead writers.</summary>
[Collection("Console")]
public sealed class FaultExitTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-faults-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Tool => Path.Combine(CliRunner.ToolFolder, "evcstream.dll");

    private string Capture(int frames)
    {
        string evcs = Path.Combine(_directory, $"c{frames}.evcs");
        (int code, _, string error) = CliRunner.Run("capture", "--device", "test", "--frames", $"{frames}", "--size", "64x48", "--fps", "5", "-o", evcs, "--quiet");
        Assert.True(code == 0, error);
        return evcs;
    }

    private static (int Code, string Error) Shell(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "timed out");
        return (int.Parse(output.Trim().Split('\n')[^1], System.Globalization.CultureInfo.InvariantCulture), error);
    }

    [Fact]
    public void A_closed_pipe_is_an_output_failure_not_success()
    {
        (int code, string error) = Shell($"dotnet {Tool} capture --device test -s 64x48 -r 5 --frames 30 -o - --quiet | head -c 3000 > /dev/null; echo ${{PIPESTATUS[0]}}");
        Assert.True(code == ExitCodes.OutputError, error);
        Assert.Contains("written", error);  // the one-line message says how many frames made it

        string evcs = Capture(6);
        (code, error) = Shell($"dotnet {Tool} remux {evcs} -o - | head -c 100 > /dev/null; echo ${{PIPESTATUS[0]}}");
        Assert.True(code == ExitCodes.OutputError, error);
    }

    [Theory]
    [InlineData("HUP", 1, ExitCodes.Success)]
    [InlineData("TERM", 1, ExitCodes.Success)]
    [InlineData("INT", 2, ExitCodes.Interrupted)]
    public async Task Signals_finish_the_file(string signal, int times, int expected)
    {
        string evcs = Path.Combine(_directory, $"signal-{signal}.evcs");
        var start = new ProcessStartInfo("dotnet", [Tool, "capture", "--device", "test", "-s", "64x48", "-r", "5", "-o", evcs, "--quiet"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using Process process = Process.Start(start)!;
        var stopwatch = Stopwatch.StartNew();
        while ((!File.Exists(evcs) || new FileInfo(evcs).Length < 2000) && stopwatch.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(100);
        for (int i = 0; i < times; i++)
        {
            using Process kill = Process.Start("kill", ["-s", signal, $"{process.Id}"])!;
            await kill.WaitForExitAsync();
            await Task.Delay(50);
        }
        Assert.True(process.WaitForExit(60_000), "capture did not stop");
        string error = await process.StandardError.ReadToEndAsync();
        Assert.True(process.ExitCode == expected, $"exit {process.ExitCode}: {error}");
        await using EvcsReader reader = await EvcsReader.OpenAsync(File.OpenRead(evcs));
        long frames = 0;
        while (await reader.ReadPacketAsync() is { } packet)
        {
            packet.Dispose();
            frames++;
        }
        Assert.True(frames > 0);
        Assert.Empty(reader.Damage);
        Assert.NotNull(reader.Trailer);  // finished: index and trailer written
    }

    [Fact]
    public void A_source_that_ends_early_gives_the_partial_output_code()
    {
        string mp4 = Path.Combine(_directory, "clip.mp4");
        (int made, string ffmpegError) = Shell($"ffmpeg -v error -f lavfi -i testsrc2=size=64x48:rate=10 -t 3 -c:v libx264 -g 1 -movflags +faststart -y {mp4}; echo $?");
        Assert.True(made == 0, ffmpegError);
        byte[] bytes = File.ReadAllBytes(mp4);
        string cut = Path.Combine(_directory, "cut.mp4");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);

        (int code, string output, string error) = CliRunner.Run("capture", "-i", mp4, "-o", Path.Combine(_directory, "whole.evcs"), "--quiet");
        Assert.True(code == ExitCodes.Success, error);
        Assert.Contains("30 frames written", output);

        (code, _, error) = CliRunner.Run("capture", "-i", cut, "-o", Path.Combine(_directory, "cut.evcs"), "--quiet");
        Assert.True(code == ExitCodes.PartialOutput, error);
        Assert.Contains("ended early", error);
        Assert.Contains("of the 30 frames", error);
    }

    [Fact]
    public async Task A_stream_where_no_frame_decodes_is_not_success()
    {
        string good = Capture(3);
        string bad = Path.Combine(_directory, "garbage.evcs");
        await using (EvcsReader reader = await EvcsReader.OpenAsync(File.OpenRead(good)))
        {
            await using var file = File.Create(bad);
            await using EvcsWriter writer = await EvcsWriter.CreateAsync(file, reader.Header);
            var random = new Random(3);
            for (int k = 0; k < 5; k++)
            {
                byte[] payload = new byte[200];
                random.NextBytes(payload);  // intact packets (valid CRC) whose payload is not an EVC frame
                await writer.WriteAsync(payload, new EvcsPacketInfo(k, k * 200L, 150, 0));
            }
            await writer.CompleteAsync();
        }
        (int code, _, string error) = CliRunner.Run("decode", bad, "-o", Path.Combine(_directory, "g.y4m"), "--quiet");
        Assert.True(code is ExitCodes.PartialOutput, error);
        Assert.Contains("no frame could be decoded", error);
        Assert.False(File.Exists(Path.Combine(_directory, "g.y4m")) && new FileInfo(Path.Combine(_directory, "g.y4m")).Length > 0 && code == 0);
    }

    [Fact]
    public void Follow_gives_up_on_a_file_whose_writer_died()
    {
        string good = Capture(4);
        byte[] bytes = File.ReadAllBytes(good);
        string dead = Path.Combine(_directory, "dead.evcs");
        File.WriteAllBytes(dead, bytes[..(bytes.Length * 2 / 3)]);  // no end-of-stream packet, no trailer: its writer died
        var stopwatch = Stopwatch.StartNew();
        (int code, string output, string error) = CliRunner.Run("decode", dead, "-o", Path.Combine(_directory, "f.y4m"), "--follow", "--follow-timeout", "1", "--quiet");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(60));
        Assert.True(code == ExitCodes.PartialOutput, error);
        Assert.Contains("stopped following", output);
    }

    /// <summary>A size-limited tmpfs where mounting is permitted (root), else /dev/full (every write: no space left).</summary>
    private string? SmallDisk(int kilobytes)
    {
        string mount = Directory.CreateDirectory(Path.Combine(_directory, "small")).FullName;
        using Process process = Process.Start("mount", ["-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", mount])!;
        process.WaitForExit();
        return process.ExitCode == 0 ? mount : null;
    }

    private static void Unmount(string mount)
    {
        using Process process = Process.Start("umount", [mount])!;
        process.WaitForExit();
    }

    [Fact]
    public async Task A_full_disk_stops_capture_with_the_output_failure_code_and_a_readable_file()
    {
        string? disk = SmallDisk(24);
        string output = disk is null ? "/dev/full" : Path.Combine(disk, "full.evcs");
        try
        {
            (int code, _, string error) = CliRunner.Run("capture", "--device", "test", "-s", "64x48", "-r", "5", "--frames", "400", "-o", output, "--quiet", "-y");
            Assert.True(code == ExitCodes.OutputError, error);
            Assert.Contains("failed after", error);  // how many frames made it
            if (disk is not null)
            {
                await using EvcsReader reader = await EvcsReader.OpenAsync(File.OpenRead(output));
                long frames = 0;
                while (await reader.ReadPacketAsync() is { } packet)
                {
                    packet.Dispose();
                    frames++;
                }
                Assert.True(frames > 0, "the file stays readable up to its last complete frame");
            }
        }
        finally
        {
            if (disk is not null)
                Unmount(disk);
        }
    }

    [Fact]
    public void A_full_disk_during_decode_leaves_no_partial_file()
    {
        string evcs = Capture(6);
        string? disk = SmallDisk(16);  // a 64x48 y4m frame is 4.6–9 KB: six do not fit
        if (disk is null)
            return;  // needs a mount (root); the capture case above covers /dev/full
        try
        {
            string y4m = Path.Combine(disk, "out.y4m");
            (int code, string output, string error) = CliRunner.Run("decode", evcs, "-o", y4m, "--quiet");
            Assert.True(code == ExitCodes.OutputError, $"exit {code}: {error} {output}");
            Assert.Empty(Directory.EnumerateFileSystemEntries(disk));
        }
        finally
        {
            Unmount(disk);
        }
    }
}
