using System.IO.Pipes;
using EVC.Stream.Transport;

namespace EVC.Stream.Cli.Commands;

/// <summary>
/// An MPEG-TS input for <c>play</c>, <c>decode</c> and <c>info</c>: a .ts file, or a network URL that FFmpeg receives
/// (srt://, udp://, tcp://). The transport stream is turned into an .evcs stream on the fly (<see cref="EvcsTsRemux"/>)
/// through an in-process pipe, so every reader of .evcs plays it unchanged; lost frames are counted by the demuxer.
/// </summary>
internal sealed class TransportInput : IAsyncDisposable
{
    private readonly FFmpegStreamRelay? _relay;
    private readonly System.IO.Stream _source;
    private readonly AnonymousPipeServerStream _writeEnd;
    private readonly Task<EvcsTsRemuxResult> _conversion;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, long> _captureTimes = new();
    private long _lastFrame = -1;

    /// <summary>Capture times kept for frames not yet presented (a player is never this far behind the receiver).</summary>
    private const long CaptureTimeWindow = 1024;

    /// <summary>Where lost frames are counted as they are noticed (the dashboard and --stats show them).</summary>
    public Pipeline.PipelineStats? Stats { get; set; }

    private TransportInput(FFmpegStreamRelay? relay, System.IO.Stream source, CancellationToken cancellationToken)
    {
        _relay = relay;
        _source = source;
        _writeEnd = new AnonymousPipeServerStream(PipeDirection.Out);
        Evcs = new AnonymousPipeClientStream(PipeDirection.In, _writeEnd.ClientSafePipeHandle);
        _conversion = Task.Run(async () =>
        {
            try
            {
                return await EvcsTsRemux.ToEvcsAsync(_source, _writeEnd, new Container.EvcsWriterOptions { WriteIndex = false, FsyncOnComplete = false },
                    (frame, micros) =>
                    {
                        _captureTimes[frame] = micros;
                        // Frames skipped before presentation never take theirs: keep the map to a bounded window.
                        _captureTimes.TryRemove(frame - CaptureTimeWindow, out _);
                        // A gap in the frame numbers: frames lost on the way (a new stream restarts the numbering).
                        if (_lastFrame >= 0 && frame > _lastFrame + 1)
                            Stats?.AddLost(frame - _lastFrame - 1);
                        _lastFrame = frame;
                    }, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await _writeEnd.DisposeAsync().ConfigureAwait(false);  // the reader sees the end
            }
        }, cancellationToken);
    }

    /// <summary>Whether <paramref name="input"/> is a transport stream: a network URL or a .ts/.m2t/.mts file.</summary>
    public static bool Handles(string input) => FFmpegStreamRelay.IsNetworkUrl(input) || TransportRemux.IsTs(input);

    /// <summary>
    /// The sender's wall-clock capture time of a frame (µs since the Unix epoch; 0 unknown), taken once: the player
    /// measures glass-to-glass latency with it (sender and viewer clocks must agree, as on one machine or with NTP).
    /// </summary>
    public long TakeCaptureTime(long frameNumber) => _captureTimes.TryRemove(frameNumber, out long micros) ? micros : 0;

    /// <summary>The received stream as .evcs bytes, for an <see cref="Container.EvcsReader"/>.</summary>
    public System.IO.Stream Evcs { get; }

    /// <summary>Opens the file, or starts FFmpeg receiving the URL.</summary>
    public static TransportInput Open(string input, CancellationToken cancellationToken)
    {
        if (FFmpegStreamRelay.IsNetworkUrl(input))
        {
            FFmpegStreamRelay relay = FFmpegStreamRelay.Receive(input);
            return new TransportInput(relay, relay.Output, cancellationToken);
        }
        return new TransportInput(null, InfoCommand.OpenInput(input), cancellationToken);
    }

    /// <summary>What the demuxer saw (frames lost, damaged units), once the stream has ended.</summary>
    public async Task<EvcsTsRemuxResult?> ResultAsync()
    {
        try
        {
            return await _conversion.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or Container.EvcsFormatException)
        {
            return null;  // the reader side reports what it saw
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_relay is not null)
            await _relay.DisposeAsync().ConfigureAwait(false);
        await _source.DisposeAsync().ConfigureAwait(false);
        await ResultAsync().ConfigureAwait(false);
        await Evcs.DisposeAsync().ConfigureAwait(false);
    }
}
