using System.Diagnostics;

namespace EVC.Stream.Tests.Shared;

/// <summary>
/// Runs a program to its end for a test: both output streams drained at once (a full, unread pipe would block the
/// child), killed with its children past the timeout, so a hung tool fails the test instead of the run.
/// </summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    /// <returns>The exit code and standard output followed by standard error.</returns>
    /// <exception cref="TimeoutException">The program ran past <paramref name="timeout"/>.</exception>
    public static (int ExitCode, string Output) Run(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} ran past {timeout}");
        }
        process.WaitForExit();  // the streams' ends
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
