namespace EVC.Stream.Cli.Usage;

/// <summary>The command finished but its output lacks frames it should have (exit code <see cref="ExitCodes.PartialOutput"/>); the summary line was already printed.</summary>
internal sealed class PartialOutputException : Exception
{
    public PartialOutputException(string message)
        : base(message)
    {
    }

    public PartialOutputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PartialOutputException()
    {
    }
}
