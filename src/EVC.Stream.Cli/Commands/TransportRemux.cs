using EVC.Stream.Transport;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// The MPEG-TS side of <c>evcstream remux</c>: <c>IN.evcs -o OUT.ts</c> and <c>IN.ts -o OUT.evcs</c>, chosen by the
/// file extensions (docs/evcs-ts.md). The work is <see cref="EvcsTsRemux"/>; this only opens files and reports.
/// </summary>
internal static class TransportRemux
{
    /// <summary>Whether the input or the output is a transport stream (.ts, .m2t, .mts), by extension.</summary>
    public static bool Handles(string input, string output) => IsTs(input) || IsTs(output);

    internal static bool IsTs(string path) =>
        !Program.IsStdio(path) && Path.GetExtension(path).ToUpperInvariant() is ".TS" or ".M2T" or ".MTS";

    /// <summary>Converts, writes a one-line summary and returns the exit code.</summary>
    public static async Task<int> RunAsync(string input, string output, bool overwrite, CancellationToken cancellationToken)
    {
        bool toStdout = Program.IsStdio(output);
        OutputGuard.Check(output, overwrite);
        TextWriter summary = toStdout ? Console.Error : Console.Out;
        string target = toStdout ? "stdout" : output;
        if (IsTs(input))
        {
            EvcsTsRemuxResult result;
            await using (System.IO.Stream source = InfoCommand.OpenInput(input))
            {
                // The .evcs writer closes it when done; this covers an input without any EVC stream.
                await using System.IO.Stream sink = toStdout ? Program.OpenStandardOutput() : OutputGuard.Create(output, bufferSize: 0);
                try
                {
                    result = await EvcsTsRemux.ToEvcsAsync(source, sink, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (EvcsFormatException e)
                {
                    throw new EvcsFormatException($"{input}: {e.Message}", e);
                }
            }
            EvcsTsStatistics s = result.Demux;
            summary.WriteLine($"remuxed {result.FramesWritten} frames from MPEG-TS to {target}; {s.FramesLost} frame(s) missing from the numbering, " +
                $"{s.UnitsDropped} damaged unit(s), {s.ContinuityErrors} continuity error(s), {s.FramesBeforeHeader} frame(s) before the first header");
            // Gaps alone can be frames the encoder dropped; damage seen on the wire is what makes the output partial.
            bool damaged = s.UnitsDropped > 0 || s.ContinuityErrors > 0 || s.TransportErrors > 0 || s.SyncLosses > 0;
            return damaged || result.FramesSkipped > 0 ? ExitCodes.PartialOutput : ExitCodes.Success;
        }
        await using (EvcsReader reader = await InfoCommand.OpenReaderAsync(InfoCommand.OpenInput(input), input, null, cancellationToken).ConfigureAwait(false))
        {
            await using System.IO.Stream sink = toStdout ? Program.OpenStandardOutput() : OutputGuard.Create(output);
            EvcsTsRemuxResult result = await EvcsTsRemux.ToTransportStreamAsync(reader, sink, cancellationToken).ConfigureAwait(false);
            summary.WriteLine($"remuxed {result.FramesWritten} frames to MPEG-TS {target} (docs/evcs-ts.md)");
            return reader.Damage.Count > 0 || result.FramesSkipped > 0 ? ExitCodes.PartialOutput : ExitCodes.Success;
        }
    }
}
