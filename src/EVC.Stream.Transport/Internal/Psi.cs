using System.Buffers.Binary;

namespace EVC.Stream.Transport.Internal;

/// <summary>Builds and parses the PAT and PMT (ISO/IEC 13818-1 §2.4.4), each one section in one TS packet.</summary>
internal static class Psi
{
    /// <summary>The registration descriptor of the EVC stream: tag 0x05, length 4, "EVCS".</summary>
    private static ReadOnlySpan<byte> RegistrationDescriptor => [0x05, 0x04, (byte)'E', (byte)'V', (byte)'C', (byte)'S'];

    /// <summary>Writes the PAT packet (continuity counter 0; the muxer sets it).</summary>
    public static void WritePat(Span<byte> packet)
    {
        Span<byte> section = BeginSection(packet, pid: 0);
        section[0] = 0x00; // table_id: program_association_section
        WriteSyntaxHeader(section, sectionLength: 13, tableIdExtension: 1); // transport_stream_id 1
        BinaryPrimitives.WriteUInt16BigEndian(section.Slice(8), EvcsTsConstants.ProgramNumber);
        BinaryPrimitives.WriteUInt16BigEndian(section.Slice(10), (ushort)(0xE000 | EvcsTsConstants.PmtPid));
        BinaryPrimitives.WriteUInt32BigEndian(section.Slice(12), Crc32Mpeg.Compute(section.Slice(0, 12)));
    }

    /// <summary>Writes the PMT packet: one stream, stream_type 0x06 with the registration descriptor, PCR on its PID.</summary>
    public static void WritePmt(Span<byte> packet)
    {
        Span<byte> section = BeginSection(packet, EvcsTsConstants.PmtPid);
        section[0] = 0x02; // table_id: TS_program_map_section
        int esInfoLength = RegistrationDescriptor.Length;
        int sectionLength = 9 + 5 + esInfoLength + 4;
        WriteSyntaxHeader(section, sectionLength, EvcsTsConstants.ProgramNumber);
        BinaryPrimitives.WriteUInt16BigEndian(section.Slice(8), (ushort)(0xE000 | EvcsTsConstants.EvcPid)); // PCR_PID
        BinaryPrimitives.WriteUInt16BigEndian(section.Slice(10), 0xF000); // program_info_length 0
        section[12] = EvcsTsConstants.StreamType;
        BinaryPrimitives.WriteUInt16BigEndian(section.Slice(13), (ushort)(0xE000 | EvcsTsConstants.EvcPid));
        BinaryPrimitives.WriteUInt16BigEndian(section.Slice(15), (ushort)(0xF000 | esInfoLength));
        RegistrationDescriptor.CopyTo(section.Slice(17));
        int crcAt = 3 + sectionLength - 4;
        BinaryPrimitives.WriteUInt32BigEndian(section.Slice(crcAt), Crc32Mpeg.Compute(section.Slice(0, crcAt)));
    }

    private static Span<byte> BeginSection(Span<byte> packet, int pid)
    {
        packet.Fill(0xFF);
        packet[0] = 0x47;
        packet[1] = (byte)(0x40 | (pid >> 8)); // payload_unit_start_indicator
        packet[2] = (byte)pid;
        packet[3] = 0x10; // payload only
        packet[4] = 0x00; // pointer_field
        return packet.Slice(5);
    }

    private static void WriteSyntaxHeader(Span<byte> section, int sectionLength, ushort tableIdExtension)
    {
        BinaryPrimitives.WriteUInt16BigEndian(section.Slice(1), (ushort)(0xB000 | sectionLength));
        BinaryPrimitives.WriteUInt16BigEndian(section.Slice(3), tableIdExtension);
        section[5] = 0xC1; // version 0, current_next_indicator 1
        section[6] = 0x00; // section_number
        section[7] = 0x00; // last_section_number
    }

    /// <summary>
    /// Reads a section from a PSI packet payload (pointer field first); false unless it fits the packet, has the
    /// expected table id and its CRC matches.
    /// </summary>
    public static bool TryGetSection(ReadOnlySpan<byte> payload, byte tableId, out ReadOnlySpan<byte> section)
    {
        section = default;
        if (payload.Length < 1 || payload[0] + 1 >= payload.Length)
            return false;
        ReadOnlySpan<byte> s = payload.Slice(1 + payload[0]);
        if (s.Length < 3 || s[0] != tableId)
            return false;
        int length = BinaryPrimitives.ReadUInt16BigEndian(s.Slice(1)) & 0x0FFF;
        if (length < 9 || 3 + length > s.Length)
            return false;
        s = s.Slice(0, 3 + length);
        if (Crc32Mpeg.Compute(s) != 0)
            return false;
        section = s;
        return true;
    }

    /// <summary>The PMT PID of the first program in a PAT section (program 0 is the network PID, skipped), or -1.</summary>
    public static int ParsePat(ReadOnlySpan<byte> section)
    {
        for (int i = 8; i + 4 <= section.Length - 4; i += 4)
        {
            int program = BinaryPrimitives.ReadUInt16BigEndian(section.Slice(i));
            if (program != 0)
                return BinaryPrimitives.ReadUInt16BigEndian(section.Slice(i + 2)) & 0x1FFF;
        }
        return -1;
    }

    /// <summary>
    /// The PID of the EVC stream in a PMT section: the first stream_type 0x06 stream with an "EVCS" registration
    /// descriptor, else the first stream_type 0x06 stream (FFmpeg's muxer drops the descriptor on <c>-c copy</c>;
    /// the unit magic and CRC still identify the stream), or -1.
    /// </summary>
    public static int ParsePmt(ReadOnlySpan<byte> section)
    {
        if (section.Length < 16)
            return -1;
        int programInfoLength = BinaryPrimitives.ReadUInt16BigEndian(section.Slice(10)) & 0x0FFF;
        int end = section.Length - 4;
        int fallback = -1;
        for (int i = 12 + programInfoLength; i + 5 <= end;)
        {
            byte streamType = section[i];
            int pid = BinaryPrimitives.ReadUInt16BigEndian(section.Slice(i + 1)) & 0x1FFF;
            int infoLength = BinaryPrimitives.ReadUInt16BigEndian(section.Slice(i + 3)) & 0x0FFF;
            int infoStart = i + 5;
            if (infoStart + infoLength > end)
                break;
            if (streamType == EvcsTsConstants.StreamType)
            {
                if (HasRegistration(section.Slice(infoStart, infoLength)))
                    return pid;
                if (fallback < 0)
                    fallback = pid;
            }
            i = infoStart + infoLength;
        }
        return fallback;
    }

    private static bool HasRegistration(ReadOnlySpan<byte> descriptors)
    {
        for (int i = 0; i + 2 <= descriptors.Length;)
        {
            int tag = descriptors[i], length = descriptors[i + 1];
            if (i + 2 + length > descriptors.Length)
                return false;
            if (tag == 0x05 && length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(descriptors.Slice(i + 2)) == EvcsTsConstants.FormatIdentifier)
                return true;
            i += 2 + length;
        }
        return false;
    }
}
