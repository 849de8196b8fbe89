using EVC.Stream.Container;
using EVC.Stream.Entropy;
using EVC.Stream.Safetensors;
using Spectre.Console.Cli;

namespace EVC.Stream.Cli;

/// <summary>Turns any failure into one clear line on stderr and a non-zero exit code: never a stack trace.</summary>
internal static class ErrorReporter
{
    /// <summary>Exit code for bad input (corrupt data, missing files, invalid arguments).</summary>
    public const int InputError = 1;

    /// <summary>Exit code for an unexpected internal failure.</summary>
    public const int InternalError = 70;

    public static int Report(Exception exception, ITypeResolver? resolver)
    {
        (string message, int code) = Describe(exception);
        Console.Error.WriteLine($"evcstream: error: {message}");
        return code;
    }

    internal static (string Message, int Code) Describe(Exception exception) => exception switch
    {
        CommandAppException e => (e.Message, InputError),
        EntropyCodingException e => (e.Message, InputError),
        EVC.Stream.Model.Checkpoints.CheckpointMismatchException e => (e.Message, InputError),
        InvalidDataException e => (e.Message, InputError),
        EVC.Stream.Media.ImageFormatException e => ($"not a readable image: {e.Message}", InputError),
        SafetensorsFormatException e => (e.Message, InputError),
        EvcsFormatException e => (e.Message, InputError),
        FileNotFoundException e => ($"file not found: {e.FileName ?? e.Message}", InputError),
        DirectoryNotFoundException e => (e.Message, InputError),
        UnauthorizedAccessException e => (e.Message, InputError),
        ArgumentException e => (e.Message, InputError),
        OperationCanceledException => ("cancelled", 130),
        IOException e => (e.Message, InputError),
        _ => ($"internal error ({exception.GetType().Name}): {exception.Message}", InternalError),
    };
}
