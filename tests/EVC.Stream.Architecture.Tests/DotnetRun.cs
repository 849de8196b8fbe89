using EVC.Stream.Tests.Shared;

namespace EVC.Stream.Architecture.Tests;

/// <summary>Runs the dotnet host (builds, packs, samples) and returns its exit code and output.</summary>
internal static class DotnetRun
{
    private static readonly Dictionary<string, string> s_environment = new()
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["MSBUILDDISABLENODEREUSE"] = "1",
    };

    public static (int ExitCode, string Output) Run(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        ChildProcess.Run("dotnet", arguments, timeout, workingDirectory, s_environment);
}
