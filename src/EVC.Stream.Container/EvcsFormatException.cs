namespace EVC.Stream.Container;

/// <summary>
/// The one exception the container library throws for bad input: a stream that is not <c>.evcs</c>, an unsupported
/// version, or a damaged or truncated file header. Damage after the header is never thrown: the reader reports it as
/// <see cref="EvcsDamage"/> and resynchronises. The CLI turns this exception into a one-line error.
/// </summary>
public sealed class EvcsFormatException : Exception
{
    /// <summary>Creates the exception with a message that says what is wrong.</summary>
    public EvcsFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public EvcsFormatException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a generic message.</summary>
    public EvcsFormatException() : base("Invalid .evcs stream.") { }
}
