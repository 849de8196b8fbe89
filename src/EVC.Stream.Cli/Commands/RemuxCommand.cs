namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream remux IN -o OUT</c>: rewrites a stream keeping every intact packet in frame order (misplaced ones put
/// back, duplicates once), dropping damaged regions, and writing a fresh index and trailer — the repair for a cut or
/// damaged recording (<see cref="EvcsRemux"/>).
/// </summary>
internal sealed class RemuxCommand : AsyncCommand<RemuxCommand.Settings>
{
    public sealed class Settings : OverwriteSettings
    {
        [CommandArgument(0, "<IN>")]
        [Description("The .evcs stream to repair, or - for stdin.")]
        public string Input { get; init; } = "";

        [CommandOption("-o|--output <OUT>")]
        [Description("Where to write the repaired stream, or - for stdout.")]
        public string? Output { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrEmpty(Output))
                return ValidationResult.Error("remux needs an output: -o OUT (or -o - for stdout)");
            if (!Program.IsStdio(Input) && !Program.IsStdio(Output) && Path.GetFullPath(Input) == Path.GetFullPath(Output))
                return ValidationResult.Error("remux cannot write over its input; choose another output");
            return base.Validate();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string output = settings.Output!;
        if (TransportRemux.Handles(settings.Input, output))
            return await TransportRemux.RunAsync(settings.Input, output, settings.Overwrite, cancellationToken).ConfigureAwait(false);
        bool toStdout = Program.IsStdio(output);
        OutputGuard.Check(output, settings.Overwrite);
        EvcsRemuxResult result;
        IReadOnlyList<EvcsDamage> damage;
        await using (EvcsReader reader = await InfoCommand.OpenReaderAsync(InfoCommand.OpenInput(settings.Input), settings.Input, null, cancellationToken).ConfigureAwait(false))
        {
            System.IO.Stream target = toStdout
                ? Program.OpenStandardOutput()
                : OutputGuard.Create(output, bufferSize: 0);
            try
            {
                await using EvcsWriter writer = await EvcsWriter.CreateAsync(target, reader.Header, cancellationToken: cancellationToken).ConfigureAwait(false);
                result = await EvcsRemux.CopyAsync(reader, writer, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e) when (toStdout || ErrorReporter.IsOutputFailure(e))
            {
                // A reader that went away (| head) or a full disk: the output's failure, not the input's.
                throw new OutputFailedException($"writing {(toStdout ? "stdout" : output)} failed: {e.Message}", e);
            }
            damage = reader.Damage;
        }

        // The summary never goes where the stream goes.
        TextWriter summary = toStdout ? Console.Error : Console.Out;
        long skipped = damage.Sum(d => d.Length);
        summary.WriteLine($"remuxed {result.Written} frames to {(toStdout ? "stdout" : output)}; dropped {damage.Count} damaged region(s) ({skipped} bytes); index and trailer rebuilt");
        if (result.Reordered > 0)
            summary.WriteLine($"  {result.Reordered} packet(s) out of order, put back in frame order");
        if (result.Duplicates > 0)
            summary.WriteLine($"  {result.Duplicates} duplicate packet(s) dropped (frame already written)");
        if (result.TooLate > 0)
            summary.WriteLine($"  {result.TooLate} packet(s) dropped: more than {EvcsOrderedReader.DefaultWindow} packets from their place");
        foreach (EvcsDamage d in damage)
            summary.WriteLine($"  damaged: byte {d.Position}, {d.Length} bytes, {d.Reason}");
        // Repaired, but frames were lost: the partial-output code tells scripts so.
        return damage.Count > 0 || result.TooLate > 0 ? ExitCodes.PartialOutput : ExitCodes.Success;
    }
}
