using System.Threading.Channels;

namespace EVC.Stream.Media.Video;

/// <summary>A sink with keys: a player reads its commands while it presents.</summary>
public interface IPlayerControls
{
    /// <summary>Commands in the order they were given; completed when the window is gone.</summary>
    ChannelReader<PlayerCommand> Commands { get; }
}
