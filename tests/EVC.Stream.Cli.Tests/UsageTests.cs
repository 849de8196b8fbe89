using System.Diagnostics;
using EVC.Stream.Cli.Usage;
using EVC.Stream.Tests.Shared;

namespace EVC.Stream.Cli.Tests;

/// <summary>The strict, consistent command line: unknown options, values, overwrites, exit codes, the default model.</summary>
[Collection("Console")]
public sealed class UsageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-usage-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static IEnumerable<object[]> Commands() => CommandCatalog.SettingsByCommand.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_command_refuses_an_unknown_option_with_exit_2(string command)
    {
        string[] args = [.. command.Split(' '), "--no-such-option-anywhere"];
        (int code, string output, string error) = CliRunner.Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal("", output);
        Assert.Contains("unknown option --no-such-option-anywhere", error);
    }

    [Theory]
    [InlineData("capture", "--device", "test", "--frames", "1")]
    [InlineData("play", "a.evcs")]
    [InlineData("decode", "a.evcs", "-o", "a.y4m")]
    [InlineData("image", "encode", "a.png", "-o", "a.bin")]
    [InlineData("image", "decode", "a.bin", "-o", "a.png")]
    [InlineData("bench", "speed")]
    [InlineData("bench", "rd", "--images", ".")]
    public void Every_model_command_refuses_an_unknown_precision_naming_the_option(params string[] command)
    {
        string line = CliRunner.AssertOneLineError([.. command, "--precision", "fp8"]);
        Assert.Contains("--precision", line);
        Assert.Contains("fp32, bf16 or auto", line);
    }

    [Theory]
    [InlineData("--sise", "--size", "capture", "--device", "test", "--frames", "3")]
    [InlineData("--frame", "--frames", "capture", "--device", "test")]
    [InlineData("--weight", "--weights", "play", "a.evcs")]
    [InlineData("--qualty", "--quality", "image", "encode", "a.png")]
    [InlineData("--ouptut", "--output", "decode", "a.evcs")]
    public void A_mistyped_option_names_itself_and_suggests_the_nearest(string typo, string suggestion, params string[] command)
    {
        (int code, _, string error) = CliRunner.Run([.. command, typo, "1"]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"unknown option {typo}", error);
        Assert.Contains($"did you mean {suggestion}?", error);
    }

    [Theory]
    [InlineData("capture", "--device", "test", "stray")]
    [InlineData("info", "a.evcs", "b.evcs")]
    public void Stray_arguments_are_errors(params string[] args)
    {
        (int code, _, string error) = CliRunner.Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("unexpected argument", error);
    }

    [Theory]
    [InlineData("--frames", "ten", "expected a whole number")]
    [InlineData("--fps", "NaN", "expected a finite number")]
    [InlineData("--duration", "Infinity", "expected a finite number")]
    [InlineData("--fps", "0.0001", "must be 0.01..1000")]
    [InlineData("--duration", "1e300", "at most")]
    [InlineData("--size", "99999x99999", "at most 16384")]
    [InlineData("--batch", "100000", "must be 1..64")]
    [InlineData("--bitrate", "NaN", "--bitrate NaN")]
    [InlineData("--quality", "9", "--quality 9")]
    public void Invalid_values_name_the_option_before_any_work(string option, string value, string expected)
    {
        (int code, _, string error) = CliRunner.Run("capture", "--device", "test", option, value, "-o", Path.Combine(_directory, "x.evcs"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(option, error);
        Assert.Contains(expected, error);
        Assert.False(File.Exists(Path.Combine(_directory, "x.evcs")));
    }

    [Fact]
    public void A_frame_that_cannot_fit_in_memory_is_refused_before_the_model_loads()
    {
        (int code, _, string error) = CliRunner.Run("capture", "--device", "test", "--size", "16000x16000", "--batch", "64", "-o", Path.Combine(_directory, "x.evcs"));
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("GiB", error);
    }

    [Fact]
    public void An_existing_output_is_refused_without_y_and_overwritten_with_it()
    {
        string output = Path.Combine(_directory, "exists.evcs");
        File.WriteAllText(output, "keep me");
        (int code, _, string error) = CliRunner.Run("capture", "--device", "test", "--frames", "2", "--size", "64x48", "-o", output, "--quiet");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("exists; pass -y to overwrite it", error);
        Assert.Equal("keep me", File.ReadAllText(output));

        (code, _, error) = CliRunner.Run("capture", "--device", "test", "--frames", "2", "--size", "64x48", "-o", output, "--quiet", "-y");
        Assert.True(code == 0, error);
        Assert.NotEqual("keep me", File.ReadAllText(output));
    }

    [Theory]
    [InlineData("capture", "--device", "test", "-o", "rtmp://127.0.0.1/live")]
    [InlineData("decode", "a.evcs", "-o", "udp://127.0.0.1:9999")]
    public void Output_urls_are_refused_before_the_model_loads(params string[] args)
    {
        (int code, string output, string error) = CliRunner.Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.DoesNotContain("default model", output + error);
        Assert.Contains("URL", error);
    }

    [Fact]
    public void Errors_name_the_file()
    {
        string text = Path.Combine(_directory, "out.mp4");
        File.WriteAllText(text, "not a stream");
        (int code, _, string error) = CliRunner.Run("info", text);
        Assert.Equal(ExitCodes.InputError, code);
        Assert.Contains(text, error);
        (code, _, error) = CliRunner.Run("info", _directory);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"{_directory}: is a folder", error);
    }

    [Fact]
    public void Version_prints_the_version()
    {
        (int code, string output, string error) = CliRunner.Run("--version");
        Assert.True(code == 0, error);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }

    [Fact]
    public void The_catalog_lists_exactly_the_commands_of_the_tree()
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string command in CommandNames(CliRunner.Run("--help").Out))
        {
            if (CommandCatalog.Branches.Contains(command))
                listed.UnionWith(CommandNames(CliRunner.Run(command, "--help").Out).Select(sub => $"{command} {sub}"));
            else
                listed.Add(command);
        }
        Assert.Equal(CommandCatalog.SettingsByCommand.Keys.Order(), listed.Order());
        foreach ((string command, Type settings) in CommandCatalog.SettingsByCommand)
        {
            string help = CliRunner.Run([.. command.Split(' '), "--help"]).Out;
            foreach (OptionChecker.OptionSpec option in OptionChecker.Options(settings))
                Assert.Contains(option.Names[0], help);
        }
    }

    [Fact]
    public void One_vocabulary_across_commands()
    {
        // Each long option means one thing everywhere: the same short alias wherever it has one.
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Type settings in CommandCatalog.SettingsByCommand.Values.Distinct())
        {
            foreach (OptionChecker.OptionSpec option in OptionChecker.Options(settings))
            {
                string longName = option.Names.First(n => n.StartsWith("--", StringComparison.Ordinal));
                Assert.NotEqual("--out", longName);  // -o is --output everywhere
                Assert.NotEqual("--rate-index", longName);  // quality is --quality everywhere
                foreach (string shortName in option.Names.Where(n => !n.StartsWith("--", StringComparison.Ordinal)))
                {
                    if (aliases.TryGetValue(shortName, out string? other))
                        Assert.True(other == longName, $"{shortName} means {other} and {longName}");
                    aliases[shortName] = longName;
                }
            }
        }
        Assert.Equal("--output", aliases["-o"]);
        Assert.Equal("--overwrite", aliases["-y"]);
        Assert.Equal("--size", aliases["-s"]);
    }

    [Theory]
    [InlineData(typeof(UsageException), ExitCodes.Usage)]
    [InlineData(typeof(ArgumentException), ExitCodes.Usage)]
    [InlineData(typeof(FileNotFoundException), ExitCodes.InputError)]
    [InlineData(typeof(PartialOutputException), ExitCodes.PartialOutput)]
    [InlineData(typeof(OutputFailedException), ExitCodes.OutputError)]
    [InlineData(typeof(OperationCanceledException), ExitCodes.Interrupted)]
    [InlineData(typeof(NotImplementedException), ExitCodes.InternalError)]
    public void Each_kind_of_failure_has_its_exit_code(Type type, int expected)
    {
        var exception = (Exception)Activator.CreateInstance(type, "line one\n   at Some.Trace()")!;
        (string message, int code) = ErrorReporter.Describe(exception);
        Assert.Equal(expected, code);
        Assert.DoesNotContain("\n", message);
        Assert.DoesNotContain("Trace", message);
    }

    [Fact]
    public void Closed_pipes_and_full_disks_are_output_failures()
    {
        Assert.Equal(ExitCodes.OutputError, ErrorReporter.Describe(new IOException("Broken pipe")).Code);
        Assert.Equal(ExitCodes.OutputError, ErrorReporter.Describe(new IOException("No space left on device : '/x'")).Code);
        Assert.Equal(ExitCodes.InputError, ErrorReporter.Describe(new IOException("Input/output error")).Code);
        Assert.Equal(5, new[] { ExitCodes.InputError, ExitCodes.Usage, ExitCodes.PartialOutput, ExitCodes.OutputError, ExitCodes.Interrupted }.Distinct().Count());
    }

    [Fact]
    public void An_unexpected_error_prints_one_line_and_the_log_with_its_trace()
    {
        TextWriter original = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            int code = ErrorReporter.Report(new InvalidCastException("boom"), null);
            Assert.Equal(ExitCodes.InternalError, code);
        }
        finally
        {
            Console.SetError(original);
        }
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        string log = System.Text.RegularExpressions.Regex.Match(line, @"details: (.+)\)").Groups[1].Value;
        Assert.Contains("boom", File.ReadAllText(log));
        File.Delete(log);
    }

    [Fact]
    public void The_default_model_travels_with_the_binary_and_is_found_outside_the_repository()
    {
        // A copy of the built tool (symbolic links to its files) in a folder with no repository above it, run from /tmp.
        string tool = Path.Combine(_directory, "tool");
        string built = CliRunner.ToolFolder;
        Assert.True(File.Exists(Path.Combine(built, "models", "default.safetensors")), "the build copies models/default.safetensors next to evcstream");
        // Hard links (the host resolves symbolic links to the real folder); a real copy where they are not possible.
        using (Process copy = Process.Start("cp", ["-al", built, tool])!)
            copy.WaitForExit();
        if (!File.Exists(Path.Combine(tool, "evcstream.dll")))
        {
            using Process copy = Process.Start("cp", ["-a", built, tool])!;
            copy.WaitForExit();
        }
        string png = Path.Combine(TestPaths.Kit, "inputs");
        string input = Directory.EnumerateFiles(png, "*.png", SearchOption.AllDirectories).First();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(tool, "evcstream.dll"), "image", "encode", input, "--estimate", "--threads", "2"])
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(120_000));
        Assert.True(process.ExitCode == 0, stderr + stdout);
        Assert.Contains($"default model: {Path.Combine(tool, "models", "default.safetensors")}", stderr);
        Assert.Contains("estimated", stdout);
    }

    private static IEnumerable<string> CommandNames(string help)
    {
        bool inCommands = false;
        foreach (string line in System.Text.RegularExpressions.Regex.Replace(help, "\x1b\\[[0-9;]*m", "").Split('\n'))
        {
            if (line.StartsWith("COMMANDS:", StringComparison.Ordinal))
            {
                inCommands = true;
                continue;
            }
            if (inCommands && line.StartsWith("    ", StringComparison.Ordinal) && line.Length > 4 && line[4] != ' ')
                yield return line.Trim().Split(' ')[0];
        }
    }
}
