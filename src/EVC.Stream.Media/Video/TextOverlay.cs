namespace EVC.Stream.Media.Video;

/// <summary>Draws lines of text into an rgb24 picture: white 5x7 glyphs on a darkened box, top left.</summary>
internal static class TextOverlay
{
    /// <summary>Pixels around and between the lines.</summary>
    private const int Margin = 2;

    /// <summary>
    /// Draws <paramref name="lines"/> into <paramref name="frame"/>, each glyph <paramref name="scale"/> pixels per font
    /// pixel; what does not fit is clipped.
    /// </summary>
    public static void Draw(RawFrame frame, ReadOnlySpan<string> lines, int scale = 1)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        int longest = 0;
        foreach (string line in lines)
            longest = Math.Max(longest, line.Length);
        if (longest == 0)
            return;
        int advance = (BitmapFont.Width + 1) * scale, lineHeight = (BitmapFont.Height + Margin) * scale;
        Span<byte> rgb = frame.Rgb;
        int boxWidth = Math.Min(frame.Width, longest * advance + 2 * Margin), boxHeight = Math.Min(frame.Height, lines.Length * lineHeight + Margin);
        // Darken behind the text so it reads on any picture.
        for (int y = 0; y < boxHeight; y++)
        {
            Span<byte> row = rgb.Slice(3 * y * frame.Width, 3 * boxWidth);
            for (int i = 0; i < row.Length; i++)
                row[i] = (byte)(row[i] >> 2);
        }
        for (int l = 0; l < lines.Length; l++)
        {
            int top = Margin + l * lineHeight;
            for (int c = 0; c < lines[l].Length; c++)
                DrawGlyph(frame, rgb, BitmapFont.Rows(lines[l][c]), Margin + c * advance, top, scale);
        }
    }

    private static void DrawGlyph(RawFrame frame, Span<byte> rgb, ReadOnlySpan<byte> rows, int left, int top, int scale)
    {
        for (int gy = 0; gy < rows.Length; gy++)
        {
            for (int gx = 0; gx < BitmapFont.Width; gx++)
            {
                if ((rows[gy] >> (BitmapFont.Width - 1 - gx) & 1) == 0)
                    continue;
                for (int sy = 0; sy < scale; sy++)
                {
                    int y = top + gy * scale + sy;
                    if (y >= frame.Height)
                        return;
                    for (int sx = 0; sx < scale; sx++)
                    {
                        int x = left + gx * scale + sx;
                        if (x < frame.Width)
                            rgb.Slice(3 * (y * frame.Width + x), 3).Fill(255);
                    }
                }
            }
        }
    }
}
