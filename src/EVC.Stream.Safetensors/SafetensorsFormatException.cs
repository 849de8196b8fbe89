namespace EVC.Stream.Safetensors;

/// <summary>Raised for a file that is not valid safetensors.</summary>
public sealed class SafetensorsFormatException : Exception
{
    /// <summary>Creates the exception with a message naming the problem.</summary>
    public SafetensorsFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SafetensorsFormatException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a generic message.</summary>
    public SafetensorsFormatException() : base("Invalid safetensors file.") { }
}
