using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;

namespace EVC.Stream.Container.Internal;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF) — the checksum of
/// every <c>.evcs</c> structure. System.IO.Hashing 10 has only CRC-32 (IEEE), so this is ours: the SSE4.2 / ARMv8
/// CRC instructions 8 bytes at a time where the CPU has them, slicing-by-8 tables otherwise.
/// Check value: CRC-32C("123456789") = 0xE3069283.
/// </summary>
internal static class Crc32C
{
    /// <summary>The reflected Castagnoli polynomial.</summary>
    public const uint Polynomial = 0x82F63B78;

    /// <summary>Slicing-by-8 tables: table k maps a byte to its CRC contribution k bytes further on.</summary>
    private static readonly uint[] s_table = BuildTable();

    /// <summary>CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(uint.MaxValue, data);

    /// <summary>
    /// Continues a CRC over more data. <paramref name="state"/> is the raw register: start with <see cref="uint.MaxValue"/>
    /// and complement the final state (<c>~state</c>) to get the CRC.
    /// </summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        if (Sse42.X64.IsSupported)
            return AppendSse42(state, data);
        if (ArmCrc32.Arm64.IsSupported)
            return AppendArm(state, data);
        return AppendTable(state, data);
    }

    /// <summary>The portable path (slicing-by-8); public to the tests so they can check it against the intrinsics.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static uint AppendTable(uint state, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<uint> t = s_table;
        uint crc = state;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            uint low = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i)) ^ crc;
            uint high = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i + 4));
            crc = t[7 * 256 + (int)(low & 0xFF)] ^ t[6 * 256 + (int)((low >> 8) & 0xFF)]
                ^ t[5 * 256 + (int)((low >> 16) & 0xFF)] ^ t[4 * 256 + (int)(low >> 24)]
                ^ t[3 * 256 + (int)(high & 0xFF)] ^ t[2 * 256 + (int)((high >> 8) & 0xFF)]
                ^ t[1 * 256 + (int)((high >> 16) & 0xFF)] ^ t[(int)(high >> 24)];
        }
        for (; i < data.Length; i++)
            crc = t[(int)((crc ^ data[i]) & 0xFF)] ^ (crc >> 8);
        return crc;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint AppendSse42(uint state, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        ulong crc = state;
        int i = 0;
        // Three independent 8-byte lanes would hide the instruction's latency further; one lane already runs at
        // several GB/s, far above what the container needs (a 60 KB payload in a few microseconds).
        for (; i + 32 <= length; i += 32)
        {
            crc = Sse42.X64.Crc32(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
            crc = Sse42.X64.Crc32(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i + 8)));
            crc = Sse42.X64.Crc32(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i + 16)));
            crc = Sse42.X64.Crc32(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i + 24)));
        }
        for (; i + 8 <= length; i += 8)
            crc = Sse42.X64.Crc32(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
        uint crc32 = (uint)crc;
        for (; i < length; i++)
            crc32 = Sse42.Crc32(crc32, Unsafe.Add(ref p, i));
        return crc32;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static uint AppendArm(uint state, ReadOnlySpan<byte> data)
    {
        ref byte p = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        uint crc = state;
        int i = 0;
        for (; i + 8 <= length; i += 8)
            crc = ArmCrc32.Arm64.ComputeCrc32C(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i)));
        for (; i < length; i++)
            crc = ArmCrc32.ComputeCrc32C(crc, Unsafe.Add(ref p, i));
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            table[n] = c;
        }
        for (int n = 0; n < 256; n++)
        {
            uint c = table[n];
            for (int k = 1; k < 8; k++)
            {
                c = table[(int)(c & 0xFF)] ^ (c >> 8);
                table[k * 256 + n] = c;
            }
        }
        return table;
    }
}
