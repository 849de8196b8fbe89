using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Pipeline;

/// <summary>
/// One playback, set up from an open stream: the stream mode its header declares, the model it was coded with
/// (checked against the header's weights hash), the decoders and their share of the CPU threads.
/// <see cref="RunAsync"/> plays it into any frame sink.
/// </summary>
/// <example>
/// <code>
/// await using EvcsReader reader = await EvcsReader.OpenAsync(stream, new EvcsReaderOptions(), ct);
/// using PlaybackSession session = PlaybackSession.Open(reader, new PlaybackSessionOptions { Name = path });
/// PlaybackResult result = await session.RunAsync(sink, session.CreateStats(path), ct);
/// </code>
/// </example>
public sealed class PlaybackSession : IDisposable
{
    private readonly EvcsReader _reader;

    private PlaybackSession(EvcsReader reader, PlaybackSessionOptions options, ComputeDevice device, int decoders, LoadedModel loaded, StreamMode mode)
    {
        _reader = reader;
        Options = options;
        Device = device;
        Decoders = decoders;
        Model = loaded.Model;
        ModelLabel = loaded.Label;
        Mode = mode;
        Codec = new ImageCodec(Model, mode, options.Precision);
        FrameRate = reader.Header.FrameRate.IsValid ? reader.Header.FrameRate.Value : 30;
    }

    /// <summary>The options the session was opened with.</summary>
    public PlaybackSessionOptions Options { get; }

    /// <summary>The stream's header.</summary>
    public EvcsHeader Header => _reader.Header;

    /// <summary>Where the model runs.</summary>
    public ComputeDevice Device { get; }

    /// <summary>Frames decoded in parallel.</summary>
    public int Decoders { get; }

    /// <summary>The number format the transforms run in: fp32 or bf16 (auto resolved for the device).</summary>
    public Precision Precision => Codec.Precision;

    /// <summary>The model (owned by the session).</summary>
    public EvcModel Model { get; }

    /// <summary>"default model: PATH" when the shipped default model was loaded, else empty.</summary>
    public string ModelLabel { get; }

    /// <summary>The stream mode the header declares.</summary>
    public StreamMode Mode { get; }

    /// <summary>The codec the decoders share.</summary>
    internal ImageCodec Codec { get; }

    /// <summary>The header's frame rate, or 30 when it declares none.</summary>
    public double FrameRate { get; }

    /// <summary>
    /// Chooses the decoders and their threads, loads the model the header names (or the given weights) and checks it
    /// against the header's weights hash.
    /// </summary>
    /// <exception cref="ArgumentException">The weights are not the ones the stream was coded with.</exception>
    public static PlaybackSession Open(EvcsReader reader, PlaybackSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        EvcsHeader header = reader.Header;
        StreamMode mode = StreamHeader.ModeOf(header);
        ComputeDevice device = options.Device ?? ComputeDevice.Choose("auto");
        // Parallel frames beat threads inside one small frame on CPU; torch's thread count is process-wide, so each
        // decoder gets its share of it (any count decodes any stream, in both modes).
        int decoders = options.Decoders ?? options.FrameParallelism.Resolve(header.Width, header.Height, device);
        ComputeDevice.SetThreads(FrameParallelism.ThreadsPerWorker(options.Threads ?? Environment.ProcessorCount, decoders));
        LoadedModel loaded = EvcModelLoader.Load(options.Weights, options.Architecture ?? (header.Architecture.Length > 0 ? header.Architecture : null), device);
        try
        {
            StreamHeader.CheckWeights(header, loaded.Model, options.Name);
        }
        catch (ArgumentException)
        {
            loaded.Model.Dispose();
            throw;
        }
        return new PlaybackSession(reader, options, device, decoders, loaded, mode);
    }

    /// <summary>
    /// Statistics for this playback; <paramref name="glassToGlass"/> adds the stage of a network stream's capture to
    /// presentation (<see cref="PlaybackPipeline.GlassToGlassStage"/>), which <see cref="PlaybackSessionOptions.CaptureTime"/> needs.
    /// </summary>
    public PipelineStats CreateStats(string source, bool glassToGlass = false) =>
        new(source, glassToGlass ? [.. PlaybackPipeline.StageNames, PlaybackPipeline.GlassToGlassStage] : PlaybackPipeline.StageNames)
        {
            FrameRate = FrameRate,
            TotalFrames = _reader.Trailer?.FrameCount,
        };

    /// <summary>Plays every packet into <paramref name="sink"/>; the caller completes the sink.</summary>
    public Task<PlaybackResult> RunAsync(IFrameSink sink, PipelineStats stats, CancellationToken cancellationToken) =>
        PlaybackPipeline.RunAsync(_reader, Codec, sink,
            new PlaybackOptions { Pace = Options.Pace, Decoders = Decoders, Overlay = Options.Overlay, CaptureTime = Options.CaptureTime }, stats, cancellationToken);

    /// <summary>Releases the model.</summary>
    public void Dispose() => Model.Dispose();
}
