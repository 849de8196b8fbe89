namespace EVC.Stream.Cli.Usage;

/// <summary>The <c>-s/--size WxH</c> option of the commands that take a frame size.</summary>
internal static class SizeOption
{
    /// <summary>Parses <c>WxH</c>; with <paramref name="multiple"/> &gt; 1 both sides must be multiples of it.</summary>
    /// <exception cref="ArgumentException">Not a valid size (the message names the option and the value).</exception>
    public static (int Width, int Height) Parse(string text, int multiple = 1)
    {
        string[] parts = (text ?? "").Split('x', 'X');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int width) || !int.TryParse(parts[1], out int height)
            || width < 1 || height < 1 || width > Limits.MaxSide || height > Limits.MaxSide || width % multiple != 0 || height % multiple != 0)
        {
            string rule = (multiple > 1 ? $"WxH in multiples of {multiple}" : "WxH") + $", at most {Limits.MaxSide} per side";
            throw new ArgumentException($"--size must be {rule} (got '{text}')");
        }
        return (width, height);
    }
}
