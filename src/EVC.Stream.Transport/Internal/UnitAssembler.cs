namespace EVC.Stream.Transport.Internal;

/// <summary>
/// Joins the fragments of one frame or header (a run of PES packets) into one pooled buffer. Fragments must arrive
/// complete and in order; anything else abandons the unit, because TS carries one PID in order and a gap means loss.
/// </summary>
internal sealed class UnitAssembler : IDisposable
{
    private byte[]? _buffer;
    private UnitHeader _first;
    private int _filled, _next;

    /// <summary>Whether a unit is being assembled.</summary>
    public bool InProgress => _buffer is not null;

    /// <summary>
    /// Adds a checked fragment. Returns true with the whole unit (ownership of <paramref name="buffer"/> passes to the
    /// caller) when it was the last. <paramref name="abandoned"/> is set when an unfinished unit was given up.
    /// </summary>
    public bool Add(in UnitHeader header, ReadOnlySpan<byte> fragment, out UnitHeader unit, out byte[]? buffer, out bool abandoned)
    {
        unit = default;
        buffer = null;
        abandoned = false;
        if (header.FragmentIndex == 0)
        {
            abandoned = Abandon();
            if (fragment.Length > header.TotalLength)
                return false;
            _first = header;
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, header.TotalLength));
            _filled = 0;
            _next = 0;
        }
        else if (_buffer is null || header.FragmentIndex != _next || header.Type != _first.Type || header.FrameNumber != _first.FrameNumber
                 || header.TotalLength != _first.TotalLength || header.FragmentCount != _first.FragmentCount)
        {
            // A fragment of a unit whose start was lost, or of another unit: the one in progress cannot complete either.
            abandoned = Abandon() || _buffer is null;
            return false;
        }
        if (_filled + fragment.Length > _first.TotalLength)
        {
            abandoned = Abandon();
            return false;
        }
        fragment.CopyTo(_buffer.AsSpan(_filled));
        _filled += fragment.Length;
        _next++;
        if (_next < _first.FragmentCount)
            return false;
        if (_filled != _first.TotalLength)
        {
            abandoned = Abandon();
            return false;
        }
        unit = _first;
        buffer = _buffer;
        _buffer = null;
        return true;
    }

    /// <summary>Gives up the unit in progress (its packets were lost); true when there was one.</summary>
    public bool Abandon()
    {
        if (_buffer is null)
            return false;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        return true;
    }

    /// <inheritdoc/>
    public void Dispose() => Abandon();
}
