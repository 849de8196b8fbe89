using System.Text.Json;
using Spectre.Console.Cli;

namespace EVC.Stream.Cli.Tests;

/// <summary>Runs the real command tree in-process, capturing stdout and stderr.</summary>
[Collection("Console")]
public class CliTests
{
    private static (int Code, string Out, string Error) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Bench_entropy_json_reports_both_profiles_with_ratios_and_exact_payloads()
    {
        (int code, string output, string error) = Run("bench", "entropy", "--json", "--size", "256x192", "--repeat", "2", "--threads", "2");
        Assert.True(code == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement profiles = json.RootElement.GetProperty("profiles");
        Assert.Equal(2, profiles.GetArrayLength());
        foreach (JsonElement profile in profiles.EnumerateArray())
        {
            Assert.True(profile.GetProperty("payload_equals_reference_port").GetBoolean());
            Assert.True(profile.GetProperty("ours").GetProperty("decode_msym_per_second").GetDouble() > 0);
            Assert.True(profile.GetProperty("encode_ratio_vs_reference_port").GetDouble() > 0);
            Assert.Equal(96 * 12 * 16 * 2 + 192 * 3 * 4, profile.GetProperty("symbols").GetInt32());
        }
    }

    [Theory]
    [InlineData("bench", "entropy", "--size", "100x100")]
    [InlineData("bench", "entropy", "--kit", "/nonexistent/kit")]
    [InlineData("bench", "entropy", "--repeat", "0")]
    [InlineData("no-such-command")]
    public void Bad_input_gives_one_line_on_stderr_and_a_nonzero_exit(params string[] args)
    {
        (int code, _, string error) = Run(args);
        Assert.NotEqual(0, code);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("evcstream: error:", lines[0]);
    }

    [Fact]
    public void Corrupt_stream_errors_become_one_line_messages()
    {
        (string message, int code) = ErrorReporter.Describe(new Entropy.EntropyCodingException("Corrupt or truncated entropy-coded stream: x."));
        Assert.Equal(ErrorReporter.InputError, code);
        Assert.Contains("Corrupt", message);
    }
}
