namespace EVC.Stream.Model.Checkpoints;

/// <summary>Raised when weights do not fit an architecture; the message names every missing, unexpected or mis-shaped key.</summary>
public sealed class CheckpointMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointMismatchException(string message) : base(message) { }

    /// <summary>Creates the exception with a cause.</summary>
    public CheckpointMismatchException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a generic message.</summary>
    public CheckpointMismatchException() : base("The weights do not fit the architecture.") { }
}
