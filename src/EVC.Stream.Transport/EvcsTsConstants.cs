namespace EVC.Stream.Transport;

/// <summary>The numbers of the EVC-in-MPEG-TS carriage, version 1 (see <c>docs/evcs-ts.md</c>).</summary>
internal static class EvcsTsConstants
{
    /// <summary>Size of one transport-stream packet.</summary>
    public const int PacketSize = 188;

    /// <summary>TS packets per UDP datagram (7 × 188 = 1316 bytes, the size FFmpeg, VLC and SRT use).</summary>
    public const int PacketsPerDatagram = 7;

    /// <summary>Size of one UDP/SRT datagram: <see cref="PacketsPerDatagram"/> TS packets.</summary>
    public const int DatagramSize = PacketsPerDatagram * PacketSize;

    /// <summary>Program number of the one program.</summary>
    public const ushort ProgramNumber = 1;

    /// <summary>PID of the program map table.</summary>
    public const ushort PmtPid = 0x1000;

    /// <summary>PID of the EVC elementary stream, which also carries the PCR.</summary>
    public const ushort EvcPid = 0x0100;

    /// <summary>stream_type of the elementary stream: PES packets containing private data.</summary>
    public const byte StreamType = 0x06;

    /// <summary>
    /// PES stream_id: metadata_stream (0xFC). Not private_stream_1 (0xBD): FFmpeg's muxer takes a 0xBD data stream
    /// for asynchronous KLV and drops its PTS when relaying with <c>-c copy</c>; with 0xFC the PTS survives.
    /// </summary>
    public const byte StreamId = 0xFC;

    /// <summary>format_identifier of the registration descriptor, and the magic of every unit: "EVCS".</summary>
    public const uint FormatIdentifier = 0x45564353;

    /// <summary>Version of the unit layout written here; a receiver drops units of another version.</summary>
    public const byte CarriageVersion = 1;

    /// <summary>Size of the unit header that starts every PES payload.</summary>
    public const int UnitHeaderSize = 48;

    /// <summary>Largest PES_packet_length written (the 16-bit field's maximum).</summary>
    public const int MaxPesPacketLength = 0xFFFF;

    /// <summary>Bytes of PES header after the length field: flags (2), header length (1), PTS (5).</summary>
    public const int PesHeaderTail = 8;

    /// <summary>Largest fragment of a frame or header in one PES packet.</summary>
    public const int MaxFragmentSize = MaxPesPacketLength - PesHeaderTail - UnitHeaderSize;

    /// <summary>Interval of PAT, PMT and PCR, in 90 kHz ticks (100 ms).</summary>
    public const long PsiInterval = 9_000;

    /// <summary>Interval of the stream-header unit, in 90 kHz ticks (1 s).</summary>
    public const long HeaderInterval = 90_000;

    /// <summary>PES PTS = PCR + this, in 90 kHz ticks (100 ms): room for a receiver to buffer a frame.</summary>
    public const long PtsDelay = 9_000;
}
