using System.Diagnostics;
using EVC.Stream.Container;

namespace EVC.Stream.Transport.Tests;

/// <summary>
/// Interoperability with FFmpeg (5.1 here; tools/bootstrap.sh installs it): ffprobe must list our stream, and a relay
/// with <c>-c copy</c> must keep every frame readable. These fail, not skip, when FFmpeg is missing.
/// </summary>
public sealed class FfmpegTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("evcs-ts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Ffprobe_lists_a_private_data_stream_with_the_EVCS_registration()
    {
        (EvcsHeader header, List<TestFrame> frames) = await TestStreams.CreateAsync(count: 40, seed: 11);
        string path = Path.Combine(_dir, "in.ts");
        await File.WriteAllBytesAsync(path, TestStreams.Mux(header, frames).Bytes);

        string[] lines = Run("ffprobe", "-v", "error", "-show_streams", "-show_programs", path).Split('\n', StringSplitOptions.TrimEntries);

        Assert.Contains("program_num=1", lines);
        Assert.Contains("pmt_pid=4096", lines);
        Assert.Contains("pcr_pid=256", lines);
        Assert.Contains("codec_type=data", lines);
        Assert.Contains("codec_tag_string=EVCS", lines);
        Assert.Contains("codec_tag=0x53435645", lines);
        Assert.Contains("id=0x100", lines);
        Assert.DoesNotContain(lines, l => l is "codec_type=video" or "codec_type=audio");
    }

    [Fact]
    public async Task Ffprobe_sees_a_pts_on_every_pes_packet()
    {
        (EvcsHeader header, List<TestFrame> frames) = await TestStreams.CreateAsync(count: 30, seed: 12, maxSize: 20_000);
        string path = Path.Combine(_dir, "in.ts");
        MuxedStream ts = TestStreams.Mux(header, frames);
        await File.WriteAllBytesAsync(path, ts.Bytes);
        int pesPackets = 0;
        for (int i = 0; i < ts.PacketCount; i++)
            pesPackets += ts.Bytes[i * 188 + 1] == (0x40 | (EvcsTsConstants.EvcPid >> 8)) && ts.Bytes[i * 188 + 2] == (EvcsTsConstants.EvcPid & 0xFF) ? 1 : 0;

        string[] pts = Run("ffprobe", "-v", "error", "-show_entries", "packet=pts", "-of", "csv=p=0", path)
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        // One packet per frame (all below one PES packet here) plus the header units (before frame 0 and each second).
        Assert.True(pesPackets > frames.Count);
        Assert.Equal(pesPackets, pts.Length);
        Assert.All(pts, p => Assert.True(long.TryParse(p.TrimEnd(','), out _), $"pts '{p}'"));
    }

    [Fact]
    public async Task Ffmpeg_copy_relay_keeps_every_frame_bit_identical()
    {
        // Frames up to 300 KB: past FFmpeg's 200 KiB PES buffer, so carriage in ≤ 64 KiB PES packets is exercised.
        (EvcsHeader header, List<TestFrame> frames) = await TestStreams.CreateAsync(count: 60, seed: 13, maxSize: 300_000);
        string input = Path.Combine(_dir, "in.ts"), output = Path.Combine(_dir, "out.ts");
        await File.WriteAllBytesAsync(input, TestStreams.Mux(header, frames).Bytes);

        Run("ffmpeg", "-nostdin", "-v", "error", "-i", input, "-map", "0", "-c", "copy", "-f", "mpegts", output);

        byte[] relayed = await File.ReadAllBytesAsync(output);
        (List<TestFrame> back, EvcsTsStatistics stats, EvcsHeader? backHeader) = TestStreams.Demux(TestStreams.Chunks(relayed, 1316));
        Assert.NotNull(backHeader);
        Assert.Equal(header.WeightsSha256Hex, backHeader.WeightsSha256Hex);
        Assert.Equal(frames.Count, back.Count);
        for (int i = 0; i < frames.Count; i++)
            TestStreams.AssertSameFrame(frames[i], back[i]);
        Assert.Equal(0, stats.UnitsDropped);
        Assert.Equal(0, stats.ContinuityErrors);

        // What FFmpeg 5.1 does to the carriage (docs/evcs-ts.md §9): the PTS survives, the registration descriptor does not.
        string probe = Run("ffprobe", "-v", "error", "-show_entries", "packet=pts", "-of", "csv=p=0", output);
        Assert.DoesNotContain("N/A", probe);
    }

    private static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is not installed (tools/bootstrap.sh installs FFmpeg): {e.Message}", e);
        }
        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{tool} did not finish within 60 s");
            }
            Assert.True(process.ExitCode == 0, $"{tool} exited with {process.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
    }
}
