namespace EVC.Stream.Imaging;

/// <summary>Raised for a file that is not a PNG this reader supports.</summary>
public sealed class ImageFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImageFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a cause.</summary>
    public ImageFormatException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a generic message.</summary>
    public ImageFormatException() : base("Not a supported PNG image.") { }
}
