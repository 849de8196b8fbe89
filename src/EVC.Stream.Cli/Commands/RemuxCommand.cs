using System.ComponentModel;
using EVC.Stream.Container;
using Spectre.Console;
using Spectre.Console.Cli;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// <c>evcstream remux IN -o OUT</c>: rewrites a stream keeping every intact packet, dropping damaged regions, and
/// writing a fresh index and trailer — the repair for a cut or damaged recording.
/// </summary>
internal sealed class RemuxCommand : AsyncCommand<RemuxCommand.Settings>
{
    public sealed class Settings : CommandSettings
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
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string output = settings.Output!;
        bool toStdout = Program.IsStdio(output);
        long written = 0, outOfOrder = 0;
        IReadOnlyList<EvcsDamage> damage;
        await using (EvcsReader reader = await EvcsReader.OpenAsync(InfoCommand.OpenInput(settings.Input), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            System.IO.Stream target = toStdout
                ? Console.OpenStandardOutput()
                : new FileStream(output, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
            await using EvcsWriter writer = await EvcsWriter.CreateAsync(target, reader.Header, cancellationToken: cancellationToken).ConfigureAwait(false);
            long last = -1;
            while (await reader.ReadPacketAsync(cancellationToken).ConfigureAwait(false) is { } packet)
            {
                using (packet)
                {
                    // Intact packets that go backwards (a spliced file) cannot be kept in a valid stream.
                    if (packet.FrameNumber <= last)
                    {
                        outOfOrder++;
                        continue;
                    }
                    await writer.WriteAsync(packet.Payload, packet.Info, cancellationToken).ConfigureAwait(false);
                    last = packet.FrameNumber;
                    written++;
                }
            }
            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            damage = reader.Damage;
        }

        // The summary never goes where the stream goes.
        TextWriter summary = toStdout ? Console.Error : Console.Out;
        long skipped = damage.Sum(d => d.Length);
        summary.WriteLine($"remuxed {written} frames to {(toStdout ? "stdout" : output)}; dropped {damage.Count} damaged region(s) ({skipped} bytes){(outOfOrder > 0 ? $" and {outOfOrder} out-of-order packet(s)" : "")}; index and trailer rebuilt");
        foreach (EvcsDamage d in damage)
            summary.WriteLine($"  damaged: byte {d.Position}, {d.Length} bytes, {d.Reason}");
        return 0;
    }
}
