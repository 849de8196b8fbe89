using EVC.Stream.Model.Codec;

namespace EVC.Stream.Model.Tests;

/// <summary>The <c>.bin</c> layouts of docs/determinism.md ("Signalling the mode"), byte for byte.</summary>
public class BinFileTests
{
    // The worked example of the spec: 97x61 picture, q_index 159, payload AA BB CC.
    private static readonly byte[] s_official = Convert.FromHexString("0000003D" + "00000061" + "009F" + "00000003" + "AABBCC");
    private static readonly byte[] s_deterministic = Convert.FromHexString("45564344" + "02" + "0000003D" + "00000061" + "009F" + "00000003" + "AABBCC");
    private static readonly byte[] s_deterministicV1 = Convert.FromHexString("45564344" + "01" + "0000003D" + "00000061" + "009F" + "00000003" + "AABBCC");

    [Fact]
    public void Both_layouts_are_written_as_specified()
    {
        byte[] payload = [0xAA, 0xBB, 0xCC];
        Assert.Equal(s_official, BinFile.Write(61, 97, 159, payload));
        Assert.Equal(s_official, BinFile.Write(61, 97, 159, payload, StreamMode.Official));
        Assert.Equal(s_deterministic, BinFile.Write(61, 97, 159, payload, StreamMode.Deterministic));
        Assert.Equal(s_deterministicV1, BinFile.Write(61, 97, 159, payload, StreamMode.DeterministicV1));
    }

    [Fact]
    public void Reading_recovers_the_mode_and_the_header()
    {
        foreach ((byte[] bytes, StreamMode mode) in new[] { (s_official, StreamMode.Official), (s_deterministic, StreamMode.Deterministic), (s_deterministicV1, StreamMode.DeterministicV1) })
        {
            var (height, width, qIndex, payload, readMode) = BinFile.ReadWithMode(bytes);
            Assert.Equal((61, 97, 159, mode), (height, width, qIndex, readMode));
            Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, payload.ToArray());
        }
    }

    [Fact]
    public void An_unknown_version_or_a_truncated_prefix_is_rejected_with_a_clear_message()
    {
        byte[] version3 = (byte[])s_deterministic.Clone();
        version3[4] = 3;
        Assert.Contains("version 3", Assert.Throws<InvalidDataException>(() => BinFile.ReadWithMode(version3)).Message);
        Assert.Throws<InvalidDataException>(() => BinFile.ReadWithMode(s_deterministic.AsMemory(0, 4)));
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => BinFile.ReadWithMode(s_deterministic.AsMemory(0, s_deterministic.Length - 1))).Message);
    }
}
