namespace EVC.Stream.Media.Video;

/// <summary>A key pressed in a player window.</summary>
public enum PlayerCommand
{
    /// <summary>Space (or p): pause, or resume.</summary>
    TogglePause,

    /// <summary>←: back 5 s.</summary>
    SeekBackward,

    /// <summary>→: forward 5 s.</summary>
    SeekForward,

    /// <summary>q, Esc or closing the window.</summary>
    Quit,
}
