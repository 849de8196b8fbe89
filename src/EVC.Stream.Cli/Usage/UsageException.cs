namespace EVC.Stream.Cli.Usage;

/// <summary>A command line that cannot run as given (exit code <see cref="ExitCodes.Usage"/>); the message names the option.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UsageException()
    {
    }
}
