using EVC.Stream.Pipeline.Playback;

namespace EVC.Stream.Pipeline;

/// <summary>
/// One run of <see cref="PlaybackPipeline"/>: a demuxer, a dispatcher that asks the scheduler about each packet when
/// a decoder is free, decoder threads, a presenter that takes frames in dispatch order, and (for a window with keys)
/// a control loop, sharing one <see cref="PlaybackContext"/>.
/// </summary>
internal sealed class PlaybackRun : IDisposable
{
    private readonly PlaybackContext _context;
    private readonly DemuxStage _demux;
    private readonly PresentStage _present;

    public PlaybackRun(EvcsReader reader, ImageCodec codec, IFrameSink sink, PlaybackOptions options, PipelineStats stats, CancellationToken cancellationToken)
    {
        _context = new PlaybackContext(reader, codec, sink, options, stats, cancellationToken);
        _demux = new DemuxStage(_context);
        _present = new PresentStage(_context);
        stats.AddQueue("packets", () => _context.Packets.Reader.Count);
        stats.AddQueue("frames", () => _present.Waiting);
    }

    public async Task<PlaybackResult> RunAsync()
    {
        Task demux = Task.Run(_demux.RunAsync, CancellationToken.None);
        Task dispatch = Task.Run(() => DispatchStage.RunAsync(_context), CancellationToken.None);
        // Decoding is long synchronous work: threads of its own, not the pool's.
        Task[] decoders = Enumerable.Range(0, _context.Options.Decoders)
            .Select(_ => Task.Factory.StartNew(() => DecodeStage.Run(_context), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        Task present = Task.Run(_present.RunAsync, CancellationToken.None);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(_context.Token);
        Task control = _context.Sink is IPlayerControls controls && _context.Options.Pace
            ? Task.Run(() => PlayerControlStage.RunAsync(_context, controls, done.Token), CancellationToken.None)
            : Task.CompletedTask;

        await Task.WhenAll([demux, dispatch, present, .. decoders]).ConfigureAwait(false);
        await done.CancelAsync().ConfigureAwait(false);
        await control.ConfigureAwait(false);
        _present.Drain();
        while (_context.Packets.Reader.TryRead(out PacketItem left))
            left.Packet.Dispose();
        PlaybackCounters counters = _context.Counters;
        return new PlaybackResult(counters.Decoded, counters.Presented, counters.Late, counters.Undecodable, _context.Error)
        {
            Skipped = counters.Skipped,
            Packets = counters.PacketsRead,
            Duplicates = _demux.Duplicates,
            OutOfOrder = _demux.OutOfOrder,
        };
    }

    public void Dispose()
    {
        _demux.Dispose();
        _context.Dispose();
    }
}
