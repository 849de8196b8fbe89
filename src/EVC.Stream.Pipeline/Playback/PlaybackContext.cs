using System.Threading.Channels;

namespace EVC.Stream.Pipeline.Playback;

/// <summary>
/// What the stages of one playback share: the stream, the codec and sink, the scheduler, the bounded queues between
/// the stages, the decoders' reservations, the counters, and one failure that stops them all.
/// </summary>
internal sealed class PlaybackContext : IDisposable
{
    private readonly CancellationTokenSource _failure;
    private Exception? _error;

    public PlaybackContext(EvcsReader reader, ImageCodec codec, IFrameSink sink, PlaybackOptions options, PipelineStats stats, CancellationToken cancellationToken)
    {
        Reader = reader;
        Codec = codec;
        Sink = sink;
        Options = options;
        Stats = stats;
        Header = reader.Header;
        Mode = StreamHeader.ModeOf(Header);
        double frameRate = Header.FrameRate.IsValid ? Header.FrameRate.Value : 30;
        Scheduler = new PlaybackScheduler(frameRate, options.Decoders, options.Clock);
        _failure = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Packets = Channel.CreateBounded<PacketItem>(new BoundedChannelOptions(options.ReadAhead) { SingleReader = true, SingleWriter = true });
        // Room for the pre-roll (one frame per decoder) and a little more, so decoders never wait on the presenter.
        Ordered = Channel.CreateBounded<PresentationSlot>(new BoundedChannelOptions(options.Decoders + 2) { SingleReader = true, SingleWriter = true });
        // Never full: a job is posted only after a decoder was reserved through FreeDecoders.
        Jobs = Channel.CreateBounded<DecodeJob>(new BoundedChannelOptions(options.Decoders) { SingleWriter = true });
        FreeDecoders = new SemaphoreSlim(options.Decoders, options.Decoders);
    }

    public EvcsReader Reader { get; }
    public EvcsHeader Header { get; }
    public StreamMode Mode { get; }
    public ImageCodec Codec { get; }
    public IFrameSink Sink { get; }
    public PlaybackOptions Options { get; }
    public PipelineStats Stats { get; }
    public PlaybackScheduler Scheduler { get; }
    public PlaybackCounters Counters { get; } = new();
    public SeekRequest Seek { get; } = new();
    public InterruptSignal Interrupts { get; } = new();

    /// <summary>Demux → dispatch: packets read ahead.</summary>
    public Channel<PacketItem> Packets { get; }

    /// <summary>Dispatch → present: slots in presentation order.</summary>
    public Channel<PresentationSlot> Ordered { get; }

    /// <summary>Dispatch → decoders: packets with a reserved decoder.</summary>
    public Channel<DecodeJob> Jobs { get; }

    /// <summary>Decoders not working on a job.</summary>
    public SemaphoreSlim FreeDecoders { get; }

    /// <summary>Cancelled by the first failure, a quit key or the caller.</summary>
    public CancellationToken Token => _failure.Token;

    /// <summary>The first stage failure, or null.</summary>
    public Exception? Error => Volatile.Read(ref _error);

    /// <summary>Records the first failure and stops every stage.</summary>
    public void Fail(Exception e)
    {
        Interlocked.CompareExchange(ref _error, e, null);
        _failure.Cancel();
    }

    /// <summary>Stops every stage without an error (a quit key).</summary>
    public Task QuitAsync() => _failure.CancelAsync();

    /// <summary>A timestamp on the media timeline.</summary>
    public TimeSpan Media(long pts) => TimeSpan.FromSeconds(Header.ToSeconds(pts));

    public void Dispose()
    {
        _failure.Dispose();
        FreeDecoders.Dispose();
        Interrupts.Dispose();
    }
}
