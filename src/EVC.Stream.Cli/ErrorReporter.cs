using EVC.Stream.Entropy;
using EVC.Stream.Safetensors;
using EVC.Stream.Imaging;

namespace EVC.Stream.Cli;

/// <summary>
/// Turns any failure into one clear line on stderr and the exit code of its kind (<see cref="ExitCodes"/>): never a
/// stack trace. Every exception type is mapped deliberately; an unexpected one prints one line plus the path of a
/// log file holding the trace.
/// </summary>
internal static class ErrorReporter
{
    /// <summary>Exit code for bad input (corrupt data, missing files).</summary>
    public const int InputError = ExitCodes.InputError;

    /// <summary>Exit code for an unexpected internal failure.</summary>
    public const int InternalError = ExitCodes.InternalError;

    public static int Report(Exception exception, ITypeResolver? resolver)
    {
        (string message, int code) = Describe(exception);
        if (code == InternalError && WriteLog(exception) is string log)
            message += $" (details: {log})";
        Console.Error.WriteLine($"evcstream: error: {message}");
        return code;
    }

    internal static (string Message, int Code) Describe(Exception exception)
    {
        (string message, int code) = exception switch
        {
            UsageException e => (e.Message, ExitCodes.Usage),
            CommandAppException e => (Lowercase(e.Message), ExitCodes.Usage),
            OutputFailedException e => (e.Message, ExitCodes.OutputError),
            PartialOutputException e => (e.Message, ExitCodes.PartialOutput),
            EntropyCodingException e => (e.Message, InputError),
            EVC.Stream.Model.Checkpoints.CheckpointMismatchException e => (e.Message, InputError),
            InvalidDataException e => (e.Message, InputError),
            EVC.Stream.Imaging.ImageFormatException e => ($"not a readable image: {e.Message}", InputError),
            SafetensorsFormatException e => (e.Message, InputError),
            EvcsFormatException e => (e.Message, InputError),
            FileNotFoundException e => ($"file not found: {e.FileName ?? e.Message}", InputError),
            DirectoryNotFoundException e => (e.Message, InputError),
            UnauthorizedAccessException e => (e.Message, InputError),
            ArgumentException e => (e.Message, ExitCodes.Usage),
            OperationCanceledException => ("interrupted", ExitCodes.Interrupted),
            IOException e when IsOutputFailure(e) => ($"output failed: {e.Message}", ExitCodes.OutputError),
            IOException e => (e.Message, InputError),
            _ => ($"internal error ({exception.GetType().Name}): {exception.Message}", InternalError),
        };
        return (FirstLine(message), code);
    }

    /// <summary>A closed pipe or a full disk: the failure is the output's, not the input's.</summary>
    internal static bool IsOutputFailure(IOException exception)
    {
        const int BrokenPipe = 32, NoSpace = 28;
        int errno = exception.HResult & 0xFFFF;
        return errno is BrokenPipe or NoSpace
            || exception.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase)
            || exception.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>libtorch and some .NET messages run over many lines; the user gets the first.</summary>
    private static string FirstLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return (newline < 0 ? message : message[..newline]).Trim();
    }

    private static string Lowercase(string message) =>
        message.Length > 1 && char.IsUpper(message[0]) && char.IsLower(message[1]) ? char.ToLowerInvariant(message[0]) + message[1..] : message;

    private static string? WriteLog(Exception exception)
    {
        try
        {
            string path = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"evcstream-error-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log"));
            File.WriteAllText(path, $"evcstream {Program.Version}\n{string.Join(' ', Environment.GetCommandLineArgs())}\n\n{exception}\n");
            return path;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
