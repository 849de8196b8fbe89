namespace EVC.Stream.Entropy;

/// <summary>
/// The one exception the entropy coder throws for bad input: a corrupt or truncated stream,
/// a malformed table, or symbols and indexes that do not fit the table. The CLI turns it into a one-line error.
/// </summary>
public sealed class EntropyCodingException : Exception
{
    /// <summary>Creates the exception with a message that says what is wrong.</summary>
    public EntropyCodingException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public EntropyCodingException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a generic message.</summary>
    public EntropyCodingException() : base("Entropy coding failed.") { }
}
