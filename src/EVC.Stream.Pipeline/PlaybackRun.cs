using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using EVC.Stream.Container;
using EVC.Stream.Entropy;
using EVC.Stream.Media.Video;
using EVC.Stream.Model.Codec;
using static TorchSharp.torch;
using EVC.Stream.Imaging;

namespace EVC.Stream.Pipeline;

/// <summary>
/// One run of <see cref="PlaybackPipeline"/>: a demuxer, a dispatcher that asks the scheduler about each packet when
/// a decoder is free, decoder threads, a presenter that takes frames in dispatch order, and (for a window with keys)
/// a control loop.
/// </summary>
internal sealed class PlaybackRun : IDisposable
{
    private readonly EvcsReader _reader;
    private EvcsOrderedReader _frameOrder;   // frame order, each frame number once; replaced on every seek
    private long _duplicates, _outOfOrder;
    private readonly ImageCodec _codec;
    private readonly IFrameSink _sink;
    private readonly PlaybackOptions _options;
    private readonly PipelineStats _stats;
    private readonly EvcsHeader _header;
    private readonly StreamMode _mode;
    private readonly PlaybackScheduler _scheduler;
    private readonly CancellationTokenSource _failure;
    private readonly Channel<PacketItem> _packets;
    private readonly Channel<Slot> _ordered;
    private readonly Channel<Job> _jobs;
    private readonly SemaphoreSlim _freeDecoders;
    private readonly Queue<Slot> _ahead = new();     // slots the presenter has taken from _ordered but not yet shown
    private readonly long[] _presentedAt = new long[64];  // ring of presentation times, for the overlay's fps
    private CancellationTokenSource _interrupt = new();   // cancelled (and replaced) by every key: waits re-evaluate
    private Exception? _error;
    private long _decoded, _undecodable, _late, _skipped, _packetsRead, _presented;
    private readonly Lock _seekGate = new();
    private long _seekTargetTicks;   // guarded by _seekGate, with _seekRequested
    private int _seekRequested;

    public PlaybackRun(EvcsReader reader, ImageCodec codec, IFrameSink sink, PlaybackOptions options, PipelineStats stats, CancellationToken cancellationToken)
    {
        _reader = reader;
        // A paced player presents in arrival order (a packet behind a shown frame is late anyway); a converter puts
        // misplaced packets back. Either way a duplicated packet never shows a frame twice.
        _frameOrder = new EvcsOrderedReader(reader, options.Pace ? 0 : options.ReorderWindow);
        _codec = codec;
        _sink = sink;
        _options = options;
        _stats = stats;
        _header = reader.Header;
        _mode = _header.StreamMode == EvcsStreamMode.Official ? StreamMode.Official : StreamMode.Deterministic;
        double frameRate = _header.FrameRate.IsValid ? _header.FrameRate.Value : 30;
        _scheduler = new PlaybackScheduler(frameRate, options.Decoders, options.Clock);
        _failure = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _packets = Channel.CreateBounded<PacketItem>(new BoundedChannelOptions(options.ReadAhead) { SingleReader = true, SingleWriter = true });
        // Room for the pre-roll (one frame per decoder) and a little more, so decoders never wait on the presenter.
        _ordered = Channel.CreateBounded<Slot>(new BoundedChannelOptions(options.Decoders + 2) { SingleReader = true, SingleWriter = true });
        // Never full: a job is posted only after a decoder was reserved through _freeDecoders.
        _jobs = Channel.CreateBounded<Job>(new BoundedChannelOptions(options.Decoders) { SingleWriter = true });
        _freeDecoders = new SemaphoreSlim(options.Decoders, options.Decoders);
        stats.AddQueue("packets", () => _packets.Reader.Count);
        stats.AddQueue("frames", () => _ordered.Reader.Count + _ahead.Count);
    }

    private CancellationToken Token => _failure.Token;

    public async Task<PlaybackResult> RunAsync()
    {
        Task demux = Task.Run(DemuxAsync, CancellationToken.None);
        Task dispatch = Task.Run(DispatchAsync, CancellationToken.None);
        // Decoding is long synchronous work: threads of its own, not the pool's.
        Task[] decoders = Enumerable.Range(0, _options.Decoders)
            .Select(_ => Task.Factory.StartNew(Decode, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        Task present = Task.Run(PresentAsync, CancellationToken.None);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(Token);
        Task control = _sink is IPlayerControls controls && _options.Pace ? Task.Run(() => ControlAsync(controls, done.Token), CancellationToken.None) : Task.CompletedTask;

        await Task.WhenAll([demux, dispatch, present, .. decoders]).ConfigureAwait(false);
        await done.CancelAsync().ConfigureAwait(false);
        await control.ConfigureAwait(false);
        Drain();
        return new PlaybackResult(Interlocked.Read(ref _decoded), Interlocked.Read(ref _presented), Interlocked.Read(ref _late), Interlocked.Read(ref _undecodable), _error)
        {
            Skipped = Interlocked.Read(ref _skipped),
            Packets = Interlocked.Read(ref _packetsRead),
            Duplicates = _duplicates + _frameOrder.Duplicates,
            OutOfOrder = _outOfOrder + _frameOrder.TooLate,
        };
    }

    public void Dispose()
    {
        _frameOrder.Dispose();
        _failure.Dispose();
        _freeDecoders.Dispose();
        _interrupt.Dispose();
    }

    private void Fail(Exception e)
    {
        Interlocked.CompareExchange(ref _error, e, null);
        _failure.Cancel();
    }

    private TimeSpan Media(long pts) => TimeSpan.FromSeconds(_header.ToSeconds(pts));

    private CancellationToken InterruptToken => Volatile.Read(ref _interrupt).Token;

    /// <summary>Wakes whatever waits on the current interrupt token (a key was pressed).</summary>
    private void Interrupt()
    {
        // The old source is left to the GC rather than disposed: a waiter may still be linking to its token.
        CancellationTokenSource old = Interlocked.Exchange(ref _interrupt, new CancellationTokenSource());
        old.Cancel();
    }

    /// <summary>Waits <paramref name="delay"/> on the playback clock, or until <paramref name="interrupt"/> fires; failure still throws.</summary>
    private async Task WaitAsync(TimeSpan delay, CancellationToken interrupt)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(Token, interrupt);
        try
        {
            await Task.Delay(delay, _options.Clock, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!Token.IsCancellationRequested)
        {
        }
    }

    private async Task DemuxAsync()
    {
        StageStats stage = _stats.Stage("demux");
        int generation = _scheduler.Generation;
        long bytes = 0;
        long? firstPts = null;
        double interval = 1 / (_header.FrameRate.IsValid ? _header.FrameRate.Value : 30);
        try
        {
            while (true)
            {
                if (Volatile.Read(ref _seekRequested) != 0 && await SeekAsync().ConfigureAwait(false) is TimeSpan position)
                {
                    // The ordering state belongs to the old position.
                    (_duplicates, _outOfOrder) = (_duplicates + _frameOrder.Duplicates, _outOfOrder + _frameOrder.TooLate);
                    _frameOrder.Dispose();
                    _frameOrder = new EvcsOrderedReader(_reader, _options.Pace ? 0 : _options.ReorderWindow);
                    generation = _scheduler.Restart(position);
                    Interrupt();  // the presenter may be waiting (paused) on a frame that is now stale
                    (bytes, firstPts) = (0, null);
                }
                long start = Stopwatch.GetTimestamp();
                EvcsPacket? read = await _frameOrder.ReadPacketAsync(Token).ConfigureAwait(false);
                if (read is not EvcsPacket packet)
                    break;
                stage.Record(Stopwatch.GetElapsedTime(start));
                _stats.OnCaptured();
                Interlocked.Increment(ref _packetsRead);
                bytes += packet.Length;
                firstPts ??= packet.Pts;
                // Stream bitrate so far: payload bits over the stream time they cover.
                double bitrate = bytes * 8 / (_header.ToSeconds(packet.Pts - firstPts.Value) + interval);
                var item = new PacketItem(packet, Stopwatch.GetTimestamp(), generation, bitrate);
                CancellationToken interrupt = InterruptToken;
                if (!_packets.Writer.TryWrite(item))
                {
                    try
                    {
                        using var linked = CancellationTokenSource.CreateLinkedTokenSource(Token, interrupt);
                        await _packets.Writer.WriteAsync(item, linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!Token.IsCancellationRequested)
                    {
                        packet.Dispose();  // a key while the queue was full (a seek while paused): the loop looks at it
                    }
                    catch
                    {
                        packet.Dispose();
                        throw;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Fail(e);
        }
        finally
        {
            _packets.Writer.TryComplete();
        }
    }

    /// <summary>Moves the reader to the first indexed frame at or after the requested time; that frame's time, or null when it cannot seek.</summary>
    private async Task<TimeSpan?> SeekAsync()
    {
        TimeSpan target;
        lock (_seekGate)
        {
            target = TimeSpan.FromTicks(_seekTargetTicks);
            _seekRequested = 0;
        }
        if (!_reader.CanSeek)
            return null;
        IReadOnlyList<EvcsIndexEntry> index = await _reader.GetIndexAsync(Token).ConfigureAwait(false);
        if (index.Count == 0)
            return null;
        EvcsIndexEntry entry = index[^1];
        foreach (EvcsIndexEntry candidate in index)
        {
            if (Media(candidate.Pts) >= target)
            {
                entry = candidate;
                break;
            }
        }
        return await _reader.SeekAsync(entry.FrameNumber, Token).ConfigureAwait(false) ? Media(entry.Pts) : null;
    }

    private async Task DispatchAsync()
    {
        try
        {
            await foreach (PacketItem item in _packets.Reader.ReadAllAsync(Token).ConfigureAwait(false))
            {
                EvcsPacket packet = item.Packet;
                bool handedOver = false;
                try
                {
                    if (item.Generation != _scheduler.Generation)
                        continue;  // read before a seek
                    if ((packet.Info.Flags & EvcsPacketFlags.Damaged) != 0 || packet.Length == 0 || packet.Info.QIndex == 0)
                    {
                        Interlocked.Increment(ref _undecodable);
                        _stats.OnDropped();
                        continue;
                    }
                    // Room in the ordered queue first, then a free decoder: the decision below is made with the clock
                    // as it is when the decode would really start.
                    if (!await _ordered.Writer.WaitToWriteAsync(Token).ConfigureAwait(false))
                        break;
                    await _freeDecoders.WaitAsync(Token).ConfigureAwait(false);
                    if (item.Generation != _scheduler.Generation || (_options.Pace && _scheduler.Decide(Media(packet.Pts)) == PlaybackDecision.Skip))
                    {
                        _freeDecoders.Release();
                        if (item.Generation == _scheduler.Generation)
                        {
                            Interlocked.Increment(ref _skipped);
                            _stats.OnLate();
                        }
                        continue;
                    }
                    var slot = new Slot(packet.FrameNumber, packet.Pts, item.ReadAt, item.Generation, item.BitrateBps, packet.Length);
                    bool queued = _ordered.Writer.TryWrite(slot) && _jobs.Writer.TryWrite(new Job(slot, packet));
                    Debug.Assert(queued, "the ordered queue had room and a decoder was reserved");
                    handedOver = queued;
                    if (!queued)
                        _freeDecoders.Release();
                }
                finally
                {
                    if (!handedOver)
                        packet.Dispose();
                }
            }
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Fail(e);
        }
        finally
        {
            _ordered.Writer.TryComplete();
            _jobs.Writer.TryComplete();
        }
    }

    /// <summary>One decoder thread: decodes jobs until the dispatcher is done.</summary>
    private void Decode()
    {
        StageStats decodeStage = _stats.Stage("decode"), convertStage = _stats.Stage("convert");
        // The codec's own padding rule, not the header's fields: a damaged header must not misread the planes.
        int paddedWidth = ImageCodec.PaddedSize(_header.Width), paddedHeight = ImageCodec.PaddedSize(_header.Height);
        bool warm = false;  // this thread's first decode is warm-up (lazy tables, first allocations): not timed for the scheduler
        try
        {
            // Blocking waits are fine: this thread is the decoder's own.
            while (_jobs.Reader.WaitToReadAsync(Token).AsTask().GetAwaiter().GetResult())
            {
                while (_jobs.Reader.TryRead(out Job job))
                {
                    try
                    {
                        job.Slot.Frame.TrySetResult(DecodeOne(job, paddedWidth, paddedHeight, decodeStage, convertStage, warm));
                        warm = true;
                    }
                    catch
                    {
                        job.Slot.Frame.TrySetCanceled(CancellationToken.None);
                        throw;
                    }
                    finally
                    {
                        job.Packet.Dispose();
                        _freeDecoders.Release();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Fail(e);
        }
        finally
        {
            // Jobs nobody will decode: their slots end empty so the presenter does not wait for them.
            while (_jobs.Reader.TryRead(out Job left))
            {
                left.Slot.Frame.TrySetResult(null);
                left.Packet.Dispose();
                _freeDecoders.Release();
            }
        }
    }

    /// <summary>Decodes one packet to a frame; null when its payload is corrupt.</summary>
    private RawFrame? DecodeOne(Job job, int paddedWidth, int paddedHeight, StageStats decodeStage, StageStats convertStage, bool timed)
    {
        EvcsPacket packet = job.Packet;
        long start = Stopwatch.GetTimestamp();
        RawFrame frame = RawFrame.Rent(_header.Width, _header.Height, packet.FrameNumber, Media(packet.Pts), job.Slot.ReadAt);
        try
        {
            if (_options.NetworkStub is not null)
            {
                float[] planar = _options.NetworkStub(packet);
                long decodedAt = Stopwatch.GetTimestamp();
                decodeStage.Record(Stopwatch.GetElapsedTime(start, decodedAt));
                PixelConversion.PlanarToRgb24(planar, paddedWidth, paddedHeight, frame.Rgb, _header.Width, _header.Height);
                convertStage.Record(Stopwatch.GetElapsedTime(decodedAt));
            }
            else
            {
                // Every tensor of the decode dies with this scope (scopes are per thread, so decoders do not share one).
                using var scope = NewDisposeScope();
                Tensor xHat = _codec.DecompressPayload(packet.Payload, _header.Height, _header.Width, packet.Info.QIndex, _mode);
                long decodedAt = Stopwatch.GetTimestamp();
                decodeStage.Record(Stopwatch.GetElapsedTime(start, decodedAt));
                Tensor cpu = xHat.cpu().contiguous();
                PixelConversion.PlanarToRgb24(MemoryMarshal.Cast<byte, float>(cpu.bytes), paddedWidth, paddedHeight, frame.Rgb, _header.Width, _header.Height);
                convertStage.Record(Stopwatch.GetElapsedTime(decodedAt));
            }
        }
        catch (EntropyCodingException)
        {
            frame.Dispose();
            Interlocked.Increment(ref _undecodable);
            _stats.OnDropped();
            return null;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
        if (timed)
            _scheduler.RecordDecode(Stopwatch.GetElapsedTime(start));
        Interlocked.Increment(ref _decoded);
        return frame;
    }

    private async Task PresentAsync()
    {
        StageStats presentStage = _stats.Stage("present"), endToEnd = _stats.Stage("file→screen");
        StageStats? glassToGlass = _options.CaptureTime is null ? null : _stats.Stage(PlaybackPipeline.GlassToGlassStage);
        long pixels = (long)_header.Width * _header.Height;
        try
        {
            while (await FillAsync(1).ConfigureAwait(false))
            {
                if (_options.Pace && !_scheduler.IsStarted)
                {
                    // Pre-roll: one frame per decoder decoded before the clock starts, so every decoder is busy when it
                    // does, and then until a decode was measured (a decoder's first is warm-up and does not count).
                    await FillAsync(_scheduler.PreRollFrames).ConfigureAwait(false);
                    foreach (Slot waiting in _ahead)
                        await waiting.Frame.Task.WaitAsync(Token).ConfigureAwait(false);
                    for (int count = _ahead.Count; !_scheduler.HasEstimate; count++)
                    {
                        await FillAsync(count + 1).ConfigureAwait(false);
                        if (_ahead.Count <= count)
                            break;  // the stream ended first
                        await _ahead.Last().Frame.Task.WaitAsync(Token).ConfigureAwait(false);
                    }
                }
                Slot slot = _ahead.Dequeue();
                RawFrame? frame = await slot.Frame.Task.WaitAsync(Token).ConfigureAwait(false);
                if (frame is null)
                    continue;  // undecodable, counted by its decoder
                if (!await IsDueAsync(slot).ConfigureAwait(false))
                {
                    frame.Dispose();
                    continue;
                }
                if (_options.Overlay)
                    DrawOverlay(frame, slot);
                long start = Stopwatch.GetTimestamp();
                await _sink.WriteAsync(frame, Token).ConfigureAwait(false);
                long done = Stopwatch.GetTimestamp();
                _presentedAt[_presented % _presentedAt.Length] = done;
                Interlocked.Increment(ref _presented);
                presentStage.Record(Stopwatch.GetElapsedTime(start, done));
                endToEnd.Record(Stopwatch.GetElapsedTime(slot.ReadAt, done));
                if (_options.CaptureTime?.Invoke(slot.FrameNumber) is long captured and > 0)
                {
                    long nowMicros = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10;
                    glassToGlass!.Record(TimeSpan.FromMicroseconds(Math.Max(0, nowMicros - captured)));
                }
                _stats.OnWritten(slot.PayloadBytes, pixels);  // presented frames' payload: the stream bitrate of what was shown
            }
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    /// <summary>Takes slots from the ordered queue until <paramref name="count"/> are ahead or the queue ends; false when none is.</summary>
    private async Task<bool> FillAsync(int count)
    {
        while (_ahead.Count < count && await _ordered.Reader.WaitToReadAsync(Token).ConfigureAwait(false))
        {
            while (_ahead.Count < count && _ordered.Reader.TryRead(out Slot? slot))
                _ahead.Enqueue(slot);
        }
        return _ahead.Count > 0;
    }

    /// <summary>
    /// Paced: waits until the frame is due (the first frame after a pre-roll starts the clock at once); false when it
    /// should not be shown: stale after a seek, or so late that its successor is already due.
    /// </summary>
    private async Task<bool> IsDueAsync(Slot slot)
    {
        if (!_options.Pace)
            return true;
        TimeSpan media = Media(slot.Pts);
        if (!_scheduler.IsStarted)
        {
            // The clock starts once the first frame is shown: opening a window or filling the decoders must not make
            // the following frames late.
            _scheduler.Start(slot.Generation, media);
            return slot.Generation == _scheduler.Generation;
        }
        while (true)
        {
            CancellationToken interrupt = InterruptToken;  // read before the state, so a key pressed after is not missed
            if (slot.Generation != _scheduler.Generation)
                return false;
            TimeSpan until = _scheduler.Until(media);
            if (until <= TimeSpan.Zero)
                break;
            await WaitAsync(until == TimeSpan.MaxValue ? Timeout.InfiniteTimeSpan : until, interrupt).ConfigureAwait(false);
        }
        if (!_scheduler.IsStale(media))
            return true;
        Interlocked.Increment(ref _late);
        _stats.OnLate();
        return false;
    }

    private void DrawOverlay(RawFrame frame, Slot slot)
    {
        long now = Stopwatch.GetTimestamp();
        // fps: frames presented in the last second (over the span of the last few while fewer have been).
        int count = (int)Math.Min(_presented, _presentedAt.Length);
        int inLastSecond = 0;
        long oldest = now;
        for (int i = 0; i < count; i++)
        {
            long at = _presentedAt[i];
            if (Stopwatch.GetElapsedTime(at, now).TotalSeconds <= 1)
            {
                inLastSecond++;
                oldest = Math.Min(oldest, at);
            }
        }
        double span = Stopwatch.GetElapsedTime(oldest, now).TotalSeconds;
        double fps = span >= 0.5 ? inLastSecond / Math.Max(span, 1) : 0;
        // lat: file read to screen (read-ahead and pre-roll included, as the dashboard's file→screen); dec: one decode.
        double latencyMs = Stopwatch.GetElapsedTime(slot.ReadAt, now).TotalMilliseconds;
        string[] lines =
        [
            string.Create(CultureInfo.InvariantCulture, $"#{slot.FrameNumber} {fps:0.0}fps"),
            string.Create(CultureInfo.InvariantCulture, $"dec {_scheduler.DecodeTime.TotalMilliseconds:0}ms lat {latencyMs:0}ms"),
            string.Create(CultureInfo.InvariantCulture, $"{slot.BitrateBps / 1000:0}kbit/s"),
        ];
        TextOverlay.Draw(frame, lines, Math.Max(1, frame.Width / 320));
    }

    private async Task ControlAsync(IPlayerControls controls, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (PlayerCommand command in controls.Commands.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                switch (command)
                {
                    case PlayerCommand.Quit:
                        await _failure.CancelAsync().ConfigureAwait(false);  // a normal end: no error
                        return;
                    case PlayerCommand.TogglePause:
                        if (_scheduler.IsPaused)
                            _scheduler.Resume();
                        else
                            _scheduler.Pause();
                        break;
                    case PlayerCommand.SeekBackward or PlayerCommand.SeekForward:
                        TimeSpan step = command == PlayerCommand.SeekForward ? _options.SeekStep : -_options.SeekStep;
                        lock (_seekGate)
                        {
                            // Keys pressed before the demuxer got to the last one add up.
                            TimeSpan from = _seekRequested != 0 ? TimeSpan.FromTicks(_seekTargetTicks) : _scheduler.Position;
                            _seekTargetTicks = Math.Max(0, (from + step).Ticks);
                            _seekRequested = 1;
                        }
                        break;
                }
                Interrupt();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Returns the frames nobody presented (the run ended early) to the pool.</summary>
    private void Drain()
    {
        while (_ordered.Reader.TryRead(out Slot? slot))
            _ahead.Enqueue(slot);
        foreach (Slot slot in _ahead)
        {
            if (slot.Frame.Task.IsCompletedSuccessfully)
                slot.Frame.Task.Result?.Dispose();
        }
        _ahead.Clear();
        while (_packets.Reader.TryRead(out PacketItem left))
            left.Packet.Dispose();
    }

    private readonly record struct PacketItem(EvcsPacket Packet, long ReadAt, int Generation, double BitrateBps);

    private readonly record struct Job(Slot Slot, EvcsPacket Packet);

    /// <summary>A dispatched packet's place in presentation order; its frame arrives when a decoder is done.</summary>
    private sealed class Slot(long frameNumber, long pts, long readAt, int generation, double bitrateBps, int payloadBytes)
    {
        public int PayloadBytes { get; } = payloadBytes;
        public long FrameNumber { get; } = frameNumber;
        public long Pts { get; } = pts;
        public long ReadAt { get; } = readAt;
        public int Generation { get; } = generation;
        public double BitrateBps { get; } = bitrateBps;
        public TaskCompletionSource<RawFrame?> Frame { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
