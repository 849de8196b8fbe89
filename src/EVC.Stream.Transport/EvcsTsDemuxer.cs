using EVC.Stream.Container.Internal;
using EVC.Stream.Transport.Internal;

namespace EVC.Stream.Transport;

/// <summary>
/// Reads EVC frames back from an MPEG transport stream written by <see cref="EvcsTsMuxer"/> (or relayed by any TS
/// tool, e.g. FFmpeg with <c>-c copy</c>), bytes in, frames out. It locks onto the 0x47 sync byte and regains it after
/// garbage; finds the EVC stream through PAT and PMT; checks continuity counters and drops every frame that lost or
/// had a damaged packet, counting missing frames by frame-number gaps; and returns frames only once a stream header
/// has arrived, so a receiver that joins late starts at the first complete frame after the first header.
/// Steady state allocates nothing: payloads are in pooled buffers. Not thread-safe.
/// See <c>docs/evcs-ts.md</c>, section 7.
/// </summary>
internal sealed class EvcsTsDemuxer : IDisposable
{
    // Input is copied into this buffer so sync search and packets may straddle calls to Write.
    private readonly byte[] _input = new byte[64 * 1024];
    private int _inputLength;
    private bool _locked;

    private readonly byte[] _pes = new byte[6 + EvcsTsConstants.MaxPesPacketLength];
    private int _pesLength;     // bytes of the PES packet collected so far
    private int _pesExpected;   // 6 + PES_packet_length, or 0 when unbounded (ends at the next unit start)
    private bool _pesActive;
    private int _cc = -1;
    private readonly byte[] _lastEsPacket = new byte[EvcsTsConstants.PacketSize];

    private int _pmtPid = -1;
    private int _esPid = -1;

    private readonly UnitAssembler _assembler = new();
    private readonly Queue<EvcsTsFrame> _frames = new(16);
    private byte[]? _headerBytes;
    private long _lastFrame = -1;

    private long _packets, _bytesSkipped, _syncLosses, _continuityErrors, _transportErrors, _unitsDropped;
    private long _framesReceived, _framesLost, _framesBeforeHeader, _framesOutOfOrder, _headersReceived, _headerChanges;

    /// <summary>The stream header last received, or null before the first one.</summary>
    public EvcsHeader? Header { get; private set; }

    /// <summary>Frames ready to be taken with <see cref="TryRead"/>.</summary>
    public int PendingFrames => _frames.Count;

    /// <summary>The counters so far.</summary>
    public EvcsTsStatistics Statistics => new(_packets, _bytesSkipped, _syncLosses, _continuityErrors, _transportErrors, _unitsDropped,
        _framesReceived, _framesLost, _framesBeforeHeader, _framesOutOfOrder, _headersReceived, _headerChanges);

    /// <summary>
    /// Feeds bytes of the transport stream, in any chunking (a file read, 1316-byte datagrams, single bytes). Never
    /// throws for bad data. Completed frames are queued for <see cref="TryRead"/>.
    /// </summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int n = Math.Min(data.Length, _input.Length - _inputLength);
            data.Slice(0, n).CopyTo(_input.AsSpan(_inputLength));
            _inputLength += n;
            data = data.Slice(n);
            int consumed = Process(final: false);
            _input.AsSpan(consumed, _inputLength - consumed).CopyTo(_input);
            _inputLength -= consumed;
        }
    }

    /// <summary>
    /// Ends the input: reads the packets held back for sync confirmation and completes a PES packet of unbounded
    /// length. Call once at end of stream; <see cref="Write"/> may continue afterwards (a new stream).
    /// </summary>
    public void Complete()
    {
        int consumed = Process(final: true);
        _bytesSkipped += _inputLength - consumed;
        _inputLength = 0;
        if (_pesActive && _pesExpected == 0)
            CompletePes();
        else if (_pesActive)
            DropPes();
        _locked = false;
        _cc = -1;
    }

    /// <summary>Takes the next complete frame; the caller disposes it. False when none is ready.</summary>
    public bool TryRead(out EvcsTsFrame frame) => _frames.TryDequeue(out frame);

    /// <summary>Returns the buffers of frames not taken and of the unit being assembled.</summary>
    public void Dispose()
    {
        while (_frames.TryDequeue(out EvcsTsFrame frame))
            frame.Dispose();
        _assembler.Dispose();
    }

    /// <summary>Reads every whole packet in the input buffer; returns how many bytes were used.</summary>
    private int Process(bool final)
    {
        const int size = EvcsTsConstants.PacketSize;
        byte[] buffer = _input;
        int length = _inputLength;
        int p = 0;
        while (true)
        {
            if (!_locked)
            {
                // Lock where three sync bytes are 188 apart (one at the very end of the input).
                int start = p;
                bool found = false;
                for (; p < length; p++)
                {
                    if (buffer[p] != 0x47)
                        continue;
                    if (p + 2 * size < length)
                    {
                        if (buffer[p + size] == 0x47 && buffer[p + 2 * size] == 0x47)
                        {
                            found = true;
                            break;
                        }
                    }
                    else if (!final)
                    {
                        break; // wait for more data to confirm this candidate
                    }
                    else if (p + size <= length && (p + size == length || buffer[p + size] == 0x47))
                    {
                        found = true;
                        break;
                    }
                }
                _bytesSkipped += p - start;
                if (!found)
                    return p;
                _locked = true;
            }
            if (p + size > length)
                return p;
            if (buffer[p] != 0x47)
            {
                _locked = false;
                _syncLosses++;
                // Packets were cut or garbage was inserted: what is being assembled has lost bytes.
                LoseContinuity();
                continue;
            }
            ReadPacket(buffer.AsSpan(p, size));
            p += size;
        }
    }

    private void ReadPacket(ReadOnlySpan<byte> packet)
    {
        _packets++;
        int pid = ((packet[1] & 0x1F) << 8) | packet[2];
        bool error = (packet[1] & 0x80) != 0;
        bool unitStart = (packet[1] & 0x40) != 0;
        int control = (packet[3] >> 4) & 0x3;
        int cc = packet[3] & 0x0F;
        int offset = 4;
        if ((control & 0x2) != 0)
        {
            int adaptation = packet[4];
            if (adaptation > 183 || (control == 0x3 && adaptation > 182))
                error = true;
            offset = 5 + adaptation;
        }
        if (error || control == 0)
        {
            _transportErrors++;
            if (pid == _esPid)
                LoseContinuity();
            return;
        }
        if ((control & 0x1) == 0)
            return; // adaptation field only (PCR): no payload, the continuity counter does not advance
        ReadOnlySpan<byte> payload = packet.Slice(offset);
        if (pid == 0)
        {
            if (unitStart && Psi.TryGetSection(payload, 0x00, out ReadOnlySpan<byte> pat))
                _pmtPid = Psi.ParsePat(pat);
        }
        else if (pid == _pmtPid)
        {
            if (unitStart && Psi.TryGetSection(payload, 0x02, out ReadOnlySpan<byte> pmt))
            {
                int esPid = Psi.ParsePmt(pmt);
                if (esPid != _esPid)
                {
                    LoseContinuity();
                    _esPid = esPid;
                }
            }
        }
        else if (pid == _esPid)
        {
            ReadEsPayload(packet, payload, unitStart, cc);
        }
    }

    private void ReadEsPayload(ReadOnlySpan<byte> packet, ReadOnlySpan<byte> payload, bool unitStart, int cc)
    {
        if (_cc >= 0)
        {
            // A duplicate (allowed once by 13818-1) repeats the packet byte for byte; the same counter on other bytes
            // means 16 packets went missing.
            if (cc == _cc && packet.SequenceEqual(_lastEsPacket))
                return;
            if (cc != ((_cc + 1) & 0x0F))
            {
                _continuityErrors++;
                LoseContinuity();
            }
        }
        _cc = cc;
        packet.CopyTo(_lastEsPacket);
        if (unitStart)
        {
            if (_pesActive)
            {
                if (_pesExpected == 0)
                    CompletePes();
                else
                    DropPes(); // its length said more packets were to come
            }
            _pesActive = true;
            _pesLength = 0;
            _pesExpected = 0;
        }
        else if (!_pesActive)
        {
            return; // the middle of a PES packet whose start we did not see
        }
        if (_pesLength + payload.Length > _pes.Length)
        {
            DropPes();
            return;
        }
        payload.CopyTo(_pes.AsSpan(_pesLength));
        int before = _pesLength;
        _pesLength += payload.Length;
        if (before < 6 && _pesLength >= 6)
        {
            if (_pes[0] != 0 || _pes[1] != 0 || _pes[2] != 1)
            {
                DropPes();
                return;
            }
            int declared = (_pes[4] << 8) | _pes[5];
            _pesExpected = declared == 0 ? 0 : 6 + declared;
        }
        // A bounded PES packet is complete when its length is reached (the rest of the TS packet is stuffing).
        if (_pesExpected > 0 && _pesLength >= _pesExpected)
            CompletePes();
    }

    /// <summary>Packets of the EVC PID were lost: the PES packet and the unit being assembled cannot complete.</summary>
    private void LoseContinuity()
    {
        if (_pesActive)
            DropPes();
        if (_assembler.Abandon())
            _unitsDropped++;
        _cc = -1;
    }

    private void DropPes()
    {
        _pesActive = false;
        _pesLength = 0;
        _unitsDropped++;
    }

    private void CompletePes()
    {
        _pesActive = false;
        int length = _pesExpected > 0 ? _pesExpected : _pesLength;
        _pesLength = 0;
        ReadOnlySpan<byte> pes = _pes.AsSpan(0, length);
        if (pes.Length < 9 || pes[0] != 0 || pes[1] != 0 || pes[2] != 1)
        {
            _unitsDropped++;
            return;
        }
        // Stream ids without the optional PES header (13818-1 table 2-21); our own unit starts right after the length.
        byte streamId = pes[3];
        int dataStart = streamId is 0xBC or 0xBE or 0xBF or 0xF0 or 0xF1 or 0xF2 or 0xF8 or 0xFF ? 6 : 9 + pes[8];
        if (dataStart > pes.Length || !UnitHeader.TryRead(pes.Slice(dataStart), out UnitHeader header))
        {
            _unitsDropped++;
            return;
        }
        ReadOnlySpan<byte> fragment = pes.Slice(dataStart + EvcsTsConstants.UnitHeaderSize);
        bool complete = _assembler.Add(header, fragment, out UnitHeader unit, out byte[]? buffer, out bool abandoned);
        if (abandoned)
            _unitsDropped++;
        if (!complete)
            return;
        if (unit.Type == EvcsTsUnitType.StreamHeader)
            AcceptHeader(buffer!, unit.TotalLength);
        else
            AcceptFrame(unit, buffer!);
    }

    private void AcceptHeader(byte[] buffer, int length)
    {
        try
        {
            ReadOnlySpan<byte> bytes = buffer.AsSpan(0, length);
            _headersReceived++;
            if (_headerBytes is not null && bytes.SequenceEqual(_headerBytes))
                return;
            EvcsHeader header;
            try
            {
                if (bytes.Length < FileHeaderCodec.PrefixSize || FileHeaderCodec.ParsePrefix(bytes.Slice(0, FileHeaderCodec.PrefixSize)) != bytes.Length)
                    throw new EvcsFormatException("the carried header's length field does not match the unit");
                header = FileHeaderCodec.Parse(bytes);
            }
            catch (EvcsFormatException)
            {
                _headersReceived--;
                _unitsDropped++;
                return;
            }
            // A new header is a new stream (another model or size): frame numbering starts again.
            Header = header;
            _headerBytes = bytes.ToArray();
            _headerChanges++;
            _lastFrame = -1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void AcceptFrame(in UnitHeader unit, byte[] buffer)
    {
        if (Header is null)
        {
            _framesBeforeHeader++;
            ArrayPool<byte>.Shared.Return(buffer);
            return;
        }
        if (unit.FrameNumber <= _lastFrame)
        {
            _framesOutOfOrder++;
            ArrayPool<byte>.Shared.Return(buffer);
            return;
        }
        if (_lastFrame >= 0)
            _framesLost += unit.FrameNumber - _lastFrame - 1;
        _lastFrame = unit.FrameNumber;
        _framesReceived++;
        var info = new EvcsPacketInfo(unit.FrameNumber, unit.Pts, unit.QIndex, unit.Level, (EvcsPacketFlags)unit.Flags);
        _frames.Enqueue(new EvcsTsFrame(info, unit.CaptureTimeMicroseconds, Header, buffer, unit.TotalLength));
    }
}
