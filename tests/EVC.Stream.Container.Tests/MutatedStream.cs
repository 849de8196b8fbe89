namespace EVC.Stream.Container.Tests;

/// <summary>
/// A damaged copy of a built stream that remembers, for every byte, where it came from in the original (-1: inserted
/// junk), so a test knows which packets a fault touched: those are the only frames a reader may lose.
/// </summary>
internal sealed class MutatedStream
{
    private readonly BuiltStream _original;
    private readonly List<byte> _bytes;
    private readonly List<int> _origin;

    private MutatedStream(BuiltStream original, List<byte> bytes, List<int> origin)
    {
        _original = original;
        _bytes = bytes;
        _origin = origin;
    }

    /// <summary>Packets (by index in the original) with at least one byte changed, removed or split by an insertion.</summary>
    public HashSet<int> Touched { get; } = [];

    /// <summary>True when a fault reached the file header: then the stream may be rejected.</summary>
    public bool HeaderTouched { get; private set; }

    /// <summary>What was done, for failure messages.</summary>
    public List<string> Log { get; } = [];

    public int Length => _bytes.Count;

    public byte[] ToArray() => [.. _bytes];

    /// <summary>The original, untouched.</summary>
    public static MutatedStream Of(BuiltStream original) => Arrange(original, Enumerable.Range(0, original.Offsets.Length).ToArray());

    /// <summary>
    /// The original with its packets in <paramref name="order"/> (indices may repeat or be left out: duplicated or
    /// lost packets); header, index and trailer stay where they are. Moving whole packets touches none of them.
    /// </summary>
    public static MutatedStream Arrange(BuiltStream original, IReadOnlyList<int> order)
    {
        var bytes = new List<byte>(original.Bytes.Length + 1024);
        var origin = new List<int>(original.Bytes.Length + 1024);
        void Copy(long start, long end)
        {
            for (long i = start; i < end; i++)
            {
                bytes.Add(original.Bytes[i]);
                origin.Add((int)i);
            }
        }
        Copy(0, original.HeaderLength);
        foreach (int k in order)
            Copy(original.Offsets[k], original.End(k));
        Copy(original.End(original.Offsets.Length - 1), original.Bytes.Length);
        var stream = new MutatedStream(original, bytes, origin);
        stream.Log.Add($"order [{string.Join(",", order)}]");
        return stream;
    }

    public void Flip(int position, int bit)
    {
        _bytes[position] ^= (byte)(1 << bit);
        Touch(position);
        Log.Add($"flip {position}.{bit}");
    }

    public void Overwrite(int position, ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < data.Length && position + i < _bytes.Count; i++)
        {
            if (_bytes[position + i] == data[i])
                continue;
            _bytes[position + i] = data[i];
            Touch(position + i);
        }
        Log.Add($"overwrite {position}+{data.Length}");
    }

    /// <summary>Inserts junk: it splits (touches) the packet or header it lands inside, nothing when between structures.</summary>
    public void Insert(int position, ReadOnlySpan<byte> data) => InsertCore(position, data.ToArray(), Enumerable.Repeat(-1, data.Length));

    /// <summary>Inserts a copy of bytes [start, start + count) of this stream, origins included (a duplicated packet).</summary>
    public void InsertCopy(int position, int start, int count) =>
        InsertCore(position, _bytes.GetRange(start, count).ToArray(), _origin.GetRange(start, count).ToArray());

    public void Delete(int position, int count)
    {
        count = Math.Min(count, _bytes.Count - position);
        for (int i = position; i < position + count; i++)
            Touch(i);
        _bytes.RemoveRange(position, count);
        _origin.RemoveRange(position, count);
        Log.Add($"delete {position}+{count}");
    }

    public void Truncate(int length)
    {
        if (length < _bytes.Count)
            Delete(length, _bytes.Count - length);
    }

    private void InsertCore(int position, byte[] data, IEnumerable<int> origins)
    {
        if (position == 0)
            HeaderTouched = true;
        else if (position < _bytes.Count)
        {
            int left = _origin[position - 1], right = _origin[position];
            // Inside one structure only when both neighbours are consecutive original bytes of it.
            if (left >= 0 && right == left + 1)
            {
                if (left < _original.HeaderLength && right < _original.HeaderLength)
                    HeaderTouched = true;
                else if (_original.PacketAt(left) is int k and >= 0 && _original.PacketAt(right) == k)
                    Touched.Add(k);
            }
        }
        _bytes.InsertRange(position, data);
        _origin.InsertRange(position, origins);
        Log.Add($"insert {position}+{data.Length}");
    }

    private void Touch(int position)
    {
        int o = _origin[position];
        if (o < 0)
            return;
        if (o < _original.HeaderLength)
            HeaderTouched = true;
        else if (_original.PacketAt(o) is int k and >= 0)
            Touched.Add(k);
    }
}
