using EVC.Stream.Container.Internal;
using EVC.Stream.Transport.Internal;

namespace EVC.Stream.Transport;

/// <summary>
/// Packs EVC frames into an MPEG transport stream (ISO/IEC 13818-1) as laid out in <c>docs/evcs-ts.md</c>: one
/// program, one private PES stream (stream_type 0x06, registration "EVCS") that carries the PCR, one PES packet per
/// frame with a PTS, PAT/PMT/PCR every 100 ms and the <c>.evcs</c> stream header every second and before the first
/// frame. Output is whole 188-byte packets written to an <see cref="IBufferWriter{T}"/>; nothing is allocated per
/// frame. Not thread-safe.
/// </summary>
internal sealed class EvcsTsMuxer
{
    private readonly byte[] _headerBytes;
    private readonly byte[] _pat = new byte[EvcsTsConstants.PacketSize];
    private readonly byte[] _pmt = new byte[EvcsTsConstants.PacketSize];
    private byte _ccPat, _ccPmt, _ccEs;
    private bool _started;
    private long _lastPsi, _lastPcr, _lastHeader;

    /// <summary>Creates a muxer for a stream described by <paramref name="header"/>.</summary>
    /// <exception cref="ArgumentException">The header is invalid (same rules as <see cref="EvcsWriter"/>).</exception>
    public EvcsTsMuxer(EvcsHeader header)
    {
        Header = header;
        _headerBytes = FileHeaderCodec.Serialize(header);
        Psi.WritePat(_pat);
        Psi.WritePmt(_pmt);
    }

    /// <summary>The stream header carried by this muxer.</summary>
    public EvcsHeader Header { get; }

    /// <summary>Frames written so far.</summary>
    public long FramesWritten { get; private set; }

    /// <summary>
    /// Writes one frame, preceded by PAT/PMT, PCR-only packets and the stream header when they are due (by the frame's
    /// timestamp). <paramref name="captureTimeMicroseconds"/> is the capture wall-clock time in microseconds since the
    /// Unix epoch (0 when unknown), carried for glass-to-glass latency.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The payload is larger than the <c>.evcs</c> limit or the frame number is negative.</exception>
    public void WriteFrame(ReadOnlySpan<byte> payload, EvcsPacketInfo info, long captureTimeMicroseconds, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, EvcsConstants.MaxPayloadLength);
        ArgumentOutOfRangeException.ThrowIfNegative(info.FrameNumber);
        long t = To90kHz(info.Pts);
        WriteDue(t, output);
        var unit = new UnitHeader
        {
            Type = EvcsTsUnitType.Frame,
            FrameNumber = info.FrameNumber,
            Pts = info.Pts,
            CaptureTimeMicroseconds = captureTimeMicroseconds,
            QIndex = info.QIndex,
            Level = info.Level,
            Flags = (byte)info.Flags,
        };
        WriteUnit(ref unit, payload, t, output);
        FramesWritten++;
    }

    /// <summary>
    /// Writes PAT, PMT and the stream header now, before the next frame (e.g. when a new receiver connects); they are
    /// otherwise written before the first frame and then every 100 ms and every second.
    /// </summary>
    public void WriteStreamHeader(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        long t = _started ? _lastPcr : 0;
        WritePsi(t, output);
        WriteHeaderUnit(t, output);
    }

    private void WriteDue(long t, IBufferWriter<byte> output)
    {
        if (!_started || t < _lastPcr || t - _lastPcr > 10 * EvcsTsConstants.HeaderInterval)
        {
            // First frame, or the clock jumped: start the schedule again from this frame.
            _started = true;
            WritePsi(t, output);
            WriteHeaderUnit(t, output);
            return;
        }
        // Between frames further apart than 100 ms (low frame rates), PCR-only packets keep the clock within 100 ms.
        while (t - _lastPcr > EvcsTsConstants.PsiInterval)
        {
            long at = _lastPcr + EvcsTsConstants.PsiInterval;
            if (at - _lastPsi >= EvcsTsConstants.PsiInterval)
                WritePsi(at, output);
            TsPackets.WritePcrOnly(output, EvcsTsConstants.EvcPid, _ccEs, at * 300);
            _lastPcr = at;
        }
        if (t - _lastPsi >= EvcsTsConstants.PsiInterval)
            WritePsi(t, output);
        if (t - _lastHeader >= EvcsTsConstants.HeaderInterval)
            WriteHeaderUnit(t, output);
    }

    private void WritePsi(long t, IBufferWriter<byte> output)
    {
        TsPackets.WritePsi(output, _pat, ref _ccPat);
        TsPackets.WritePsi(output, _pmt, ref _ccPmt);
        _lastPsi = t;
    }

    private void WriteHeaderUnit(long t, IBufferWriter<byte> output)
    {
        var unit = new UnitHeader { Type = EvcsTsUnitType.StreamHeader };
        WriteUnit(ref unit, _headerBytes, t, output);
        _lastHeader = t;
    }

    /// <summary>Writes a frame or header as one PES packet, or as a run of them when it exceeds one PES packet.</summary>
    private void WriteUnit(ref UnitHeader unit, ReadOnlySpan<byte> data, long t, IBufferWriter<byte> output)
    {
        int count = Math.Max(1, (data.Length + EvcsTsConstants.MaxFragmentSize - 1) / EvcsTsConstants.MaxFragmentSize);
        unit.FragmentCount = count;
        unit.TotalLength = data.Length;
        Span<byte> head = stackalloc byte[6 + EvcsTsConstants.PesHeaderTail + EvcsTsConstants.UnitHeaderSize];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> fragment = data.Slice(i * EvcsTsConstants.MaxFragmentSize,
                Math.Min(EvcsTsConstants.MaxFragmentSize, data.Length - i * EvcsTsConstants.MaxFragmentSize));
            unit.FragmentIndex = i;
            int pesLength = EvcsTsConstants.PesHeaderTail + EvcsTsConstants.UnitHeaderSize + fragment.Length;
            head[0] = 0x00;
            head[1] = 0x00;
            head[2] = 0x01;
            head[3] = EvcsTsConstants.StreamId;
            head[4] = (byte)(pesLength >> 8);
            head[5] = (byte)pesLength;
            head[6] = 0x84; // '10' marker, data_alignment_indicator: a unit starts here
            head[7] = 0x80; // PTS only
            head[8] = 0x05; // PES_header_data_length
            TsPackets.WritePts(head.Slice(9), t + EvcsTsConstants.PtsDelay);
            unit.Write(head.Slice(14), fragment);
            // The first packet of every frame is a random-access point (all frames are intra-coded) and carries the PCR.
            bool frameStart = i == 0 && unit.Type == EvcsTsUnitType.Frame;
            TsPackets.WritePes(output, EvcsTsConstants.EvcPid, ref _ccEs, head, fragment, frameStart ? t * 300 : -1, frameStart);
        }
        if (unit.Type == EvcsTsUnitType.Frame)
            _lastPcr = t;
    }

    /// <summary>A timestamp in time-base units as 90 kHz ticks (33-bit wrap is applied when written).</summary>
    private long To90kHz(long pts)
    {
        EvcsRational tb = Header.TimeBase;
        Int128 ticks = (Int128)pts * tb.Numerator * 90_000 / tb.Denominator;
        return (long)(ticks & ((Int128)1 << 62) - 1);
    }
}
