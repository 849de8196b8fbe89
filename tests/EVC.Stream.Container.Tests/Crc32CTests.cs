using System.Text;
using EVC.Stream.Container.Internal;

namespace EVC.Stream.Container.Tests;

public class Crc32CTests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xC1D04330u)]
    [InlineData("123456789", 0xE3069283u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x22620404u)]
    public void Known_vectors(string text, uint expected)
    {
        byte[] data = Encoding.ASCII.GetBytes(text);
        Assert.Equal(expected, Crc32C.Compute(data));
        Assert.Equal(expected, ~Crc32C.AppendTable(uint.MaxValue, data));
    }

    [Fact]
    public void Rfc3720_vectors()
    {
        // iSCSI (RFC 3720, appendix B.4): 32 bytes of zeros, of ones, increasing and decreasing.
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.Equal(0x113FDB5Cu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray()));
    }

    [Fact]
    public void Hardware_and_table_paths_agree_at_every_length_and_split()
    {
        var random = new Random(5);
        var data = new byte[1000];
        random.NextBytes(data);
        for (int length = 0; length <= 300; length++)
        {
            ReadOnlySpan<byte> span = data.AsSpan(length % 7, length);
            uint expected = ~Crc32C.AppendTable(uint.MaxValue, span);
            Assert.Equal(expected, Crc32C.Compute(span));
            int split = length / 3;
            Assert.Equal(expected, ~Crc32C.Append(Crc32C.Append(uint.MaxValue, span.Slice(0, split)), span.Slice(split)));
        }
    }
}
