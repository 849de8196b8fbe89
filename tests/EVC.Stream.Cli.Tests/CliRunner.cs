using Spectre.Console;
using Spectre.Console.Cli;

namespace EVC.Stream.Cli.Tests;

/// <summary>Runs the real command tree in-process, capturing stdout and stderr (tests using it share the "Console" collection).</summary>
internal static class CliRunner
{
    /// <summary>The built evcstream folder (Release or Debug, as these tests were built), for child-process runs.</summary>
    public static string ToolFolder =>
        Path.Combine(EVC.Stream.Tests.Shared.TestPaths.RepositoryRoot, "src", "EVC.Stream.Cli", "bin", new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0");

    public static (int Code, string Out, string Error) Run(params string[] args)
    {
        TextWriter originalOut = Console.Out, originalError = Console.Error;
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        // AnsiConsole keeps the writer it first saw: give it this run's.
        IAnsiConsole originalAnsi = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        try
        {
            int code = Program.Run(args);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
            AnsiConsole.Console = originalAnsi;
        }
    }

    /// <summary>Runs a command that must fail: non-zero exit and exactly one "evcstream: error:" line on stderr.</summary>
    public static string AssertOneLineError(params string[] args)
    {
        (int code, _, string error) = Run(args);
        Assert.NotEqual(0, code);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("evcstream: error:", lines[0]);
        return lines[0];
    }
}
