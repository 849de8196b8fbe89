namespace EVC.Stream.Cli.Commands;

/// <summary><c>evcstream info FILE</c>: header, frame statistics and damage of an <c>.evcs</c> stream.</summary>
internal sealed class InfoCommand : AsyncCommand<InfoCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("The .evcs file, or - for stdin.")]
        public string File { get; init; } = "";

        [CommandOption("--json")]
        [Description("Print the report as JSON on stdout.")]
        public bool Json { get; init; }
    }

    /// <summary>Opens FILE for reading, or stdin for "-"; errors name the file.</summary>
    internal static System.IO.Stream OpenInput(string path)
    {
        if (Program.IsStdio(path))
            return Console.OpenStandardInput();
        if (path.Contains("://", StringComparison.Ordinal))
            throw new UsageException($"{path}: input URLs are not supported; give a file, or - for stdin");
        if (Directory.Exists(path))
            throw new UsageException($"{path}: is a folder, not an .evcs file");
        if (!System.IO.File.Exists(path))
            throw new FileNotFoundException($"input not found: {path}", path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
    }

    /// <summary>Opens an .evcs reader on <paramref name="stream"/>; a stream that is not .evcs is reported with <paramref name="name"/>.</summary>
    internal static async Task<EvcsReader> OpenReaderAsync(System.IO.Stream stream, string name, EvcsReaderOptions? options, CancellationToken cancellationToken)
    {
        try
        {
            return await EvcsReader.OpenAsync(stream, options, cancellationToken).ConfigureAwait(false);
        }
        catch (EvcsFormatException e)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw new EvcsFormatException($"{(Program.IsStdio(name) ? "stdin" : name)}: {e.Message}", e);
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        StreamReport report = await StreamReport.ReadAsync(settings.File, cancellationToken).ConfigureAwait(false);
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(report.ToJson(), JsonOutput.Options));
            return 0;
        }
        report.Render(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }));
        return 0;
    }
}
