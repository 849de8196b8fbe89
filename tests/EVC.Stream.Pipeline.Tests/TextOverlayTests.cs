using EVC.Stream.Media.Video;

namespace EVC.Stream.Pipeline.Tests;

/// <summary>The player's overlay text, drawn into rgb24 frames.</summary>
public sealed class TextOverlayTests
{
    [Fact]
    public void Text_is_drawn_white_on_a_darkened_box_and_the_rest_is_untouched()
    {
        using RawFrame frame = RawFrame.Rent(64, 32, 0, TimeSpan.Zero, 0);
        frame.Rgb.Fill(200);
        TextOverlay.Draw(frame, ["1"]);
        byte At(int x, int y) => frame.Rgb[3 * (y * 64 + x)];
        // "1" at (2, 2): its stem is column 2 of the glyph, rows 0-6; the box spans 5 + 1 + 2·2 = 10 pixels.
        for (int y = 2; y < 9; y++)
            Assert.Equal(255, At(4, y));
        Assert.Equal(50, At(0, 0));      // box: darkened to a quarter
        Assert.Equal(50, At(9, 10));
        Assert.Equal(200, At(10, 0));    // right of the box
        Assert.Equal(200, At(0, 11));    // below it
        Assert.Equal(200, At(63, 31));
    }

    [Fact]
    public void Text_wider_than_the_frame_is_clipped()
    {
        using RawFrame frame = RawFrame.Rent(16, 8, 0, TimeSpan.Zero, 0);
        frame.Rgb.Clear();
        TextOverlay.Draw(frame, ["#123 45.6fps", "dec 85ms lat 120ms", "166kbit/s"], scale: 2);
        Assert.Contains((byte)255, frame.Rgb.ToArray());
    }
}
