namespace EVC.Stream.Cli;

/// <summary>
/// The process exit codes of <c>evcstream</c> (README "Exit codes"). Scripts can tell a mistyped command from an
/// unreadable input, a partial result, a failed output and an interruption.
/// </summary>
internal static class ExitCodes
{
    /// <summary>Everything that should have been written was written.</summary>
    public const int Success = 0;

    /// <summary>The input could not be read or is not what it claims to be (missing file, not an .evcs stream, not a checkpoint).</summary>
    public const int InputError = 1;

    /// <summary>Bad usage: unknown option, invalid value, missing argument, an output that exists without -y.</summary>
    public const int Usage = 2;

    /// <summary>Output was written but is incomplete: damaged or undecodable frames skipped, or a source that ended early.</summary>
    public const int PartialOutput = 3;

    /// <summary>Writing failed: a closed pipe, a full disk, an unwritable path. The message says how many frames were written.</summary>
    public const int OutputError = 4;

    /// <summary>An unexpected internal failure (a bug): one line on stderr, the trace in a log file it names.</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted (a second Ctrl+C); files written so far are still readable.</summary>
    public const int Interrupted = 130;
}
