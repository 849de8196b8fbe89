using System.Text.Json;
using EVC.Stream.Imaging;

namespace EVC.Stream.Cli.Tests;

/// <summary><c>capture</c>, <c>play</c> and <c>decode</c> through the real command tree, with FFmpeg's test source.</summary>
[Collection("Console")]
public sealed class PipelineCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-pipeline-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Captured(int frames = 6, params string[] options)
    {
        string evcs = Path.Combine(_directory, "test.evcs");
        string stats = Path.Combine(_directory, "stats.jsonl");
        // FFmpeg's test pattern as a file: a file source waits for the coder where the live test source drops frames
        // on a busy machine (parallel test assemblies), so the frame counts below are exact.
        string source = Path.Combine(_directory, $"testsrc-{frames}.y4m");
        using (var ffmpeg = System.Diagnostics.Process.Start("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=5", "-frames:v", $"{frames}", "-pix_fmt", "yuv444p", "-y", source]))
            ffmpeg.WaitForExit();
        (int code, string output, string error) = CliRunner.Run(["capture", "-i", source, "--frames", $"{frames}", "--size", "64x48", "--fps", "5",
            "-o", evcs, "--stats", stats, "--quiet", "-y", .. options]);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("default model", output);  // --quiet: no start-up lines (without it the first names the model used: UsageTests)
        Assert.True(output.Contains($"{frames} frames written", StringComparison.Ordinal), output);
        using JsonDocument summary = JsonDocument.Parse(File.ReadLines(stats).Last());
        Assert.Equal("summary", summary.RootElement.GetProperty("kind").GetString());
        Assert.Equal(frames, summary.RootElement.GetProperty("frames").GetInt32());
        Assert.True(summary.RootElement.GetProperty("stages").GetArrayLength() >= 5);
        return evcs;
    }

    [Fact]
    public void Capture_then_decode_to_png_frames_and_play_to_y4m()
    {
        string evcs = Captured();
        string pattern = Path.Combine(_directory, "frame_%05d.png");
        (int code, string output, string error) = CliRunner.Run("decode", evcs, "-o", pattern, "--quiet");
        Assert.True(code == 0, error);
        Assert.Contains("6 frames", output);
        string[] pngs = Directory.GetFiles(_directory, "frame_*.png");
        Assert.Equal(6, pngs.Length);
        (int width, int height, _) = PngCodec.Decode(File.ReadAllBytes(pngs[0]));
        Assert.Equal((64, 48), (width, height));

        string y4m = Path.Combine(_directory, "out.y4m");
        (code, output, error) = CliRunner.Run("play", evcs, "-o", y4m, "--quiet");
        Assert.True(code == 0, error);
        Assert.True(new FileInfo(y4m).Length > 6 * 64 * 48 * 3, "y4m too small");
    }

    [Fact]
    public void Frame_threads_capture_and_decode_give_every_frame_in_order_as_one_worker_does()
    {
        string evcs = Captured(8, "--frame-threads", "2");
        string one = Path.Combine(_directory, "one.y4m"), two = Path.Combine(_directory, "two.y4m");
        // One torch thread per worker either way, so the float synthesis rounds alike and the frames match byte for byte.
        (int code, string output, string error) = CliRunner.Run("decode", evcs, "-o", one, "--threads", "1", "--frame-threads", "1", "--quiet");
        Assert.True(code == 0, error);
        (code, string twoOutput, error) = CliRunner.Run("decode", evcs, "-o", two, "--threads", "2", "--frame-threads", "2", "--quiet");
        Assert.True(code == 0, error);
        Assert.Contains("8 frames presented of 8 read", output);
        Assert.Contains("8 frames presented of 8 read", twoOutput);
        Assert.Equal(File.ReadAllBytes(one), File.ReadAllBytes(two));
    }

    [Fact]
    public void Play_to_a_file_writes_every_frame_unpaced_as_decode_does()
    {
        string evcs = Captured(frames: 12);
        string played = Path.Combine(_directory, "played.y4m"), decoded = Path.Combine(_directory, "decoded.y4m");
        (int code, string output, string error) = CliRunner.Run("play", evcs, "-o", played);  // not --quiet: the start-up note
        Assert.True(code == 0, error);
        Assert.Contains("play -o writes every frame", output);
        Assert.Contains("12 frames presented of 12 read, 0 skipped before decoding and 0 after", output);
        (code, output, error) = CliRunner.Run("decode", evcs, "-o", decoded, "--quiet");
        Assert.True(code == 0, error);
        Assert.Equal(12, Y4mFrames(played));
        Assert.Equal(File.ReadAllBytes(decoded), File.ReadAllBytes(played));
    }

    /// <summary>Frames in a .y4m file: each starts with a FRAME line.</summary>
    private static int Y4mFrames(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> marker = "FRAME"u8;
        int count = 0;
        for (int i = bytes.AsSpan().IndexOf(marker); i >= 0; )
        {
            count++;
            int next = bytes.AsSpan(i + marker.Length).IndexOf(marker);
            i = next < 0 ? -1 : i + marker.Length + next;
        }
        return count;
    }

    [Fact]
    public void A_truncated_or_corrupted_file_still_decodes_what_is_intact()
    {
        string evcs = Captured(8);
        byte[] bytes = File.ReadAllBytes(evcs);
        string truncated = Path.Combine(_directory, "truncated.evcs");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length * 2 / 3)]);
        (int code, string output, string error) = CliRunner.Run("decode", truncated, "-o", Path.Combine(_directory, "t.y4m"), "--quiet");
        Assert.True(code == ExitCodes.PartialOutput, error);  // written, but not every frame: the partial-output code
        Assert.Matches(@"[3-7] frames", output);

        var random = new Random(7);
        byte[] corrupted = (byte[])bytes.Clone();
        for (int i = 0; i < 20; i++)
            corrupted[random.Next(200, corrupted.Length)] ^= (byte)(1 + random.Next(255));
        string damaged = Path.Combine(_directory, "damaged.evcs");
        File.WriteAllBytes(damaged, corrupted);
        (code, output, error) = CliRunner.Run("decode", damaged, "-o", Path.Combine(_directory, "d.y4m"), "--quiet");
        Assert.True(code == ExitCodes.PartialOutput, error);
        Assert.Contains("frames", output);
    }

    [Fact]
    public void An_output_ffmpeg_cannot_write_fails_in_one_line_instead_of_hanging()
    {
        string evcs = Captured(4);
        string line = CliRunner.AssertOneLineError("decode", evcs, "-o", "/nonexistent/folder/out.mp4", "--quiet");
        Assert.Contains("/nonexistent/folder does not exist", line);  // refused before decoding starts
    }

    [Fact]
    public void The_stats_summary_of_a_real_capture_carries_real_values()
    {
        Captured(6);
        using JsonDocument summary = JsonDocument.Parse(File.ReadLines(Path.Combine(_directory, "stats.jsonl")).Last());
        JsonElement root = summary.RootElement;
        long bytes = root.GetProperty("bytes").GetInt64();
        // The stream bitrate: payload bits ÷ stream duration (6 frames at 5 fps), the figure the closing line gives.
        Assert.Equal(bytes * 8.0 * 5 / 6, root.GetProperty("bitrate_bps").GetDouble(), 6);
        Assert.True(root.GetProperty("bpp").GetDouble() > 0);
        foreach (JsonElement stage in root.GetProperty("stages").EnumerateArray())
        {
            Assert.True(stage.GetProperty("count").GetInt64() > 0, stage.ToString());
            Assert.True(stage.GetProperty("fps").GetDouble() > 0, stage.ToString());  // averaged over the run, not the last instant
        }
    }

    public static IEnumerable<object[]> BadInvocations()
    {
        yield return ["capture", "--device", "7", "-o", "/tmp/x.evcs"];
        yield return ["capture", "--input", "/nonexistent/clip.mp4", "-o", "/tmp/x.evcs"];
        yield return ["capture", "--device", "test", "--input", "a.mp4"];
        yield return ["capture", "--device", "test", "--quality", "9", "-o", "/tmp/x.evcs", "--frames", "1"];
        yield return ["capture", "--device", "test", "--frame-threads", "0", "-o", "/tmp/x.evcs", "--frames", "1"];
        yield return ["decode", "/nonexistent.evcs", "-o", "/tmp/x.y4m", "--frame-threads", "two"];
        yield return ["decode", "/nonexistent.evcs", "-o", "/tmp/x.y4m"];
        yield return ["decode", "/etc/hostname", "-o", "/tmp/x.y4m"];
    }

    [Theory]
    [MemberData(nameof(BadInvocations))]
    public void Bad_input_gives_one_line_and_a_nonzero_exit(params string[] args) => CliRunner.AssertOneLineError(args);

    [Fact]
    public void An_unreadable_input_file_names_the_problem()
    {
        string text = Path.Combine(_directory, "notes.mp4");
        File.WriteAllText(text, "not a video");
        (int code, _, string error) = CliRunner.Run("capture", "--input", text, "-o", Path.Combine(_directory, "x.evcs"));
        Assert.NotEqual(0, code);
        Assert.Contains("FFmpeg cannot read", error);
    }

    [Fact]
    public void Missing_ffmpeg_gives_the_install_hint()
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        try
        {
            Environment.SetEnvironmentVariable("PATH", _directory);
            (int code, _, string error) = CliRunner.Run("capture", "--device", "test", "-o", Path.Combine(_directory, "x.evcs"));
            Assert.NotEqual(0, code);
            Assert.Contains("ffmpeg not found", error);
            Assert.Contains("apt-get install -y ffmpeg", error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }
}
