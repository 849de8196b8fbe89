namespace EVC.Stream.Cli.Usage;

/// <summary>Writing an output failed (closed pipe, full disk); the message says how many frames were written (exit code <see cref="ExitCodes.OutputError"/>).</summary>
internal sealed class OutputFailedException : Exception
{
    public OutputFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OutputFailedException(string message)
        : base(message)
    {
    }

    public OutputFailedException()
    {
    }
}
