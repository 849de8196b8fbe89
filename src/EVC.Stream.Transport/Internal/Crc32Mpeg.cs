namespace EVC.Stream.Transport.Internal;

/// <summary>The CRC-32 of MPEG-2 PSI sections: polynomial 0x04C11DB7 MSB first, initial value 0xFFFFFFFF, no final XOR.</summary>
internal static class Crc32Mpeg
{
    private static readonly uint[] s_table = BuildTable();

    /// <summary>CRC of <paramref name="data"/>; over a whole section including its CRC it is 0.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in data)
            crc = (crc << 8) ^ s_table[(crc >> 24) ^ b];
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i << 24;
            for (int k = 0; k < 8; k++)
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            table[i] = c;
        }
        return table;
    }
}
