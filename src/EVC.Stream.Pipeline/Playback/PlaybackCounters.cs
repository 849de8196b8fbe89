namespace EVC.Stream.Pipeline.Playback;

/// <summary>What happened to the packets of one playback, counted from the stages' threads.</summary>
internal sealed class PlaybackCounters
{
    private long _decoded, _undecodable, _late, _skipped, _packetsRead, _presented;

    public long Decoded => Interlocked.Read(ref _decoded);
    public long Undecodable => Interlocked.Read(ref _undecodable);
    public long Late => Interlocked.Read(ref _late);
    public long Skipped => Interlocked.Read(ref _skipped);
    public long PacketsRead => Interlocked.Read(ref _packetsRead);
    public long Presented => Interlocked.Read(ref _presented);

    public void OnDecoded() => Interlocked.Increment(ref _decoded);
    public void OnUndecodable() => Interlocked.Increment(ref _undecodable);
    public void OnLate() => Interlocked.Increment(ref _late);
    public void OnSkipped() => Interlocked.Increment(ref _skipped);
    public void OnPacketRead() => Interlocked.Increment(ref _packetsRead);
    public void OnPresented() => Interlocked.Increment(ref _presented);
}
