namespace EVC.Stream.Cli.Commands;

/// <summary><c>evcstream play IN.evcs</c>: real-time playback paced by the timestamps.</summary>
internal sealed class PlayCommand : Command<PlaybackSettings>
{
    public override int Execute(CommandContext context, PlaybackSettings settings, CancellationToken cancellationToken) =>
        settings.RunAsync(pace: true, cancellationToken).GetAwaiter().GetResult();
}
