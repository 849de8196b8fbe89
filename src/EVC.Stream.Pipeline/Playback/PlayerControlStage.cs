namespace EVC.Stream.Pipeline.Playback;

/// <summary>A window's keys: quit, pause and resume, seek; every key wakes whatever waits so it re-evaluates.</summary>
internal static class PlayerControlStage
{
    public static async Task RunAsync(PlaybackContext context, IPlayerControls controls, CancellationToken cancellationToken)
    {
        PlaybackScheduler scheduler = context.Scheduler;
        try
        {
            await foreach (PlayerCommand command in controls.Commands.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                switch (command)
                {
                    case PlayerCommand.Quit:
                        await context.QuitAsync().ConfigureAwait(false);  // a normal end: no error
                        return;
                    case PlayerCommand.TogglePause:
                        if (scheduler.IsPaused)
                            scheduler.Resume();
                        else
                            scheduler.Pause();
                        break;
                    case PlayerCommand.SeekBackward or PlayerCommand.SeekForward:
                        TimeSpan step = command == PlayerCommand.SeekForward ? context.Options.SeekStep : -context.Options.SeekStep;
                        context.Seek.Request(step, scheduler.Position);
                        break;
                }
                context.Interrupts.Interrupt();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
