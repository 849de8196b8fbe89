namespace EVC.Stream.Transport.Internal;

/// <summary>Writes transport-stream packets: PES payloads split over packets, PCR-only packets, stuffing.</summary>
internal static class TsPackets
{
    /// <summary>
    /// Writes one PES packet (<paramref name="head"/> then <paramref name="body"/>) on <paramref name="pid"/>. The first
    /// TS packet carries the PCR when <paramref name="pcr27"/> ≥ 0 and the random-access flag when asked; the last is
    /// filled up with adaptation-field stuffing.
    /// </summary>
    public static void WritePes(IBufferWriter<byte> output, int pid, ref byte cc, ReadOnlySpan<byte> head, ReadOnlySpan<byte> body,
        long pcr27, bool randomAccess)
    {
        int total = head.Length + body.Length;
        int position = 0;
        bool first = true;
        while (position < total)
        {
            Span<byte> packet = output.GetSpan(EvcsTsConstants.PacketSize).Slice(0, EvcsTsConstants.PacketSize);
            bool pcr = first && pcr27 >= 0;
            int minAdaptation = pcr ? 8 : first && randomAccess ? 2 : 0;
            int take = Math.Min(184 - minAdaptation, total - position);
            int adaptation = 184 - take; // bytes of adaptation field, its length byte included
            packet[0] = 0x47;
            packet[1] = (byte)((first ? 0x40 : 0) | (pid >> 8));
            packet[2] = (byte)pid;
            packet[3] = (byte)((adaptation > 0 ? 0x30 : 0x10) | cc);
            cc = (byte)((cc + 1) & 0x0F);
            if (adaptation > 0)
                WriteAdaptation(packet.Slice(4, adaptation), pcr ? pcr27 : -1, first && randomAccess);
            Span<byte> payload = packet.Slice(4 + adaptation);
            int copied = 0;
            if (position < head.Length)
            {
                int n = Math.Min(head.Length - position, payload.Length);
                head.Slice(position, n).CopyTo(payload);
                copied = n;
            }
            if (copied < payload.Length)
                body.Slice(position + copied - head.Length, payload.Length - copied).CopyTo(payload.Slice(copied));
            position += take;
            first = false;
            output.Advance(EvcsTsConstants.PacketSize);
        }
    }

    /// <summary>Writes a packet with only an adaptation field carrying a PCR (its continuity counter does not advance).</summary>
    public static void WritePcrOnly(IBufferWriter<byte> output, int pid, byte cc, long pcr27)
    {
        Span<byte> packet = output.GetSpan(EvcsTsConstants.PacketSize).Slice(0, EvcsTsConstants.PacketSize);
        packet[0] = 0x47;
        packet[1] = (byte)(pid >> 8);
        packet[2] = (byte)pid;
        // Without payload the counter keeps the value of the last packet that had one.
        packet[3] = (byte)(0x20 | ((cc - 1) & 0x0F));
        WriteAdaptation(packet.Slice(4), pcr27, randomAccess: false);
        output.Advance(EvcsTsConstants.PacketSize);
    }

    /// <summary>Writes a PSI packet prepared by <see cref="Psi"/>, setting its continuity counter.</summary>
    public static void WritePsi(IBufferWriter<byte> output, ReadOnlySpan<byte> prepared, ref byte cc)
    {
        Span<byte> packet = output.GetSpan(EvcsTsConstants.PacketSize).Slice(0, EvcsTsConstants.PacketSize);
        prepared.CopyTo(packet);
        packet[3] = (byte)(0x10 | cc);
        cc = (byte)((cc + 1) & 0x0F);
        output.Advance(EvcsTsConstants.PacketSize);
    }

    private static void WriteAdaptation(Span<byte> field, long pcr27, bool randomAccess)
    {
        field[0] = (byte)(field.Length - 1);
        if (field.Length == 1)
            return;
        field[1] = (byte)((randomAccess ? 0x40 : 0) | (pcr27 >= 0 ? 0x10 : 0));
        int at = 2;
        if (pcr27 >= 0)
        {
            long pcrBase = pcr27 / 300 & ((1L << 33) - 1);
            int extension = (int)(pcr27 % 300);
            field[2] = (byte)(pcrBase >> 25);
            field[3] = (byte)(pcrBase >> 17);
            field[4] = (byte)(pcrBase >> 9);
            field[5] = (byte)(pcrBase >> 1);
            field[6] = (byte)((int)((pcrBase & 1) << 7) | 0x7E | (extension >> 8));
            field[7] = (byte)extension;
            at = 8;
        }
        field.Slice(at).Fill(0xFF);
    }

    /// <summary>Writes a 5-byte PTS field ('0010' prefix, marker bits).</summary>
    public static void WritePts(Span<byte> destination, long pts)
    {
        pts &= (1L << 33) - 1;
        destination[0] = (byte)(0x21 | ((pts >> 29) & 0x0E));
        destination[1] = (byte)(pts >> 22);
        destination[2] = (byte)(((pts >> 14) & 0xFE) | 1);
        destination[3] = (byte)(pts >> 7);
        destination[4] = (byte)(((pts << 1) & 0xFE) | 1);
    }
}
