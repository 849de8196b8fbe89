using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Pipeline;

/// <summary>
/// One capture, set up: the source's format, the model on its device, the q_scale the quality means, the stream
/// header and the statistics. <see cref="RunAsync"/> codes into any packet writer (an <c>.evcs</c> file, MPEG-TS).
/// </summary>
/// <example>
/// <code>
/// using CaptureSession session = await CaptureSession.OpenAsync(new CaptureSessionOptions { Source = source }, ct);
/// await using EvcsWriter writer = await EvcsWriter.CreateAsync(stream, session.Header, new EvcsWriterOptions(), ct);
/// CaptureResult result = await session.RunAsync(writer, ct, CancellationToken.None);
/// await writer.CompleteAsync(ct);
/// </code>
/// </example>
public sealed class CaptureSession : IDisposable
{
    private readonly CaptureOptions _pipelineOptions;

    private CaptureSession(CaptureSessionOptions options, VideoFormat format, ComputeDevice device, int frameWorkers, LoadedModel loaded)
    {
        FrameWorkers = frameWorkers;
        Options = options;
        Format = format;
        Device = device;
        Model = loaded.Model;
        ModelLabel = loaded.Label;
        Mode = options.Official ? StreamMode.Official : StreamMode.Deterministic;
        Codec = new ImageCodec(Model, Mode, options.Precision);
        QScale = options.Quality.Resolve(Model);
        BatchSize = options.BatchSize ?? (device.IsCpu ? 1 : 4);
        Header = StreamHeader.For(Model, Mode, format.Width, format.Height, format.FrameRate, options.EncoderName, options.EncoderVersion, [new("source", options.Source.Label)]);
        Stats = new PipelineStats(options.Source.Label, CapturePipeline.StageNames) { TargetBitrate = options.TargetBitrate, FrameRate = format.FrameRate };
        _pipelineOptions = new CaptureOptions
        {
            BatchSize = BatchSize,
            FrameWorkers = frameWorkers,
            EntropyWorkers = options.EntropyWorkers,
            Rate = new RateController(QScale, options.TargetBitrate, format.FrameRate),
            EncoderLevel = options.EncoderLevel,
            AutoEncoderLevel = options.AutoEncoderLevel,
        };
    }

    /// <summary>The options the session was opened with.</summary>
    public CaptureSessionOptions Options { get; }

    /// <summary>The source's geometry and clock.</summary>
    public VideoFormat Format { get; }

    /// <summary>Where the model runs.</summary>
    public ComputeDevice Device { get; }

    /// <summary>The number format the transforms run in: fp32 or bf16 (auto resolved for the device).</summary>
    public Precision Precision => Codec.Precision;

    /// <summary>The model (owned by the session).</summary>
    public EvcModel Model { get; }

    /// <summary>"default model: PATH" when the shipped default model was loaded, else empty.</summary>
    public string ModelLabel { get; }

    /// <summary>The stream mode the frames are coded in.</summary>
    public StreamMode Mode { get; }

    /// <summary>The codec the pipeline runs.</summary>
    internal ImageCodec Codec { get; }

    /// <summary>The q_scale the quality means for this model (the starting point when a bitrate is held).</summary>
    public double QScale { get; }

    /// <summary>Frames per network pass.</summary>
    public int BatchSize { get; }

    /// <summary>Model workers coding whole frames at once (<see cref="ModelSessionOptions.FrameParallelism"/>, resolved for the frame size).</summary>
    public int FrameWorkers { get; }

    /// <summary>The stream header to create the writer with.</summary>
    public EvcsHeader Header { get; }

    /// <summary>The run's statistics (a dashboard reads them while <see cref="RunAsync"/> runs).</summary>
    public PipelineStats Stats { get; }

    /// <summary>
    /// Probes the source (unless <see cref="CaptureSessionOptions.Format"/> is given), chooses the frame workers, sets
    /// their CPU threads and loads the model.
    /// </summary>
    public static async Task<CaptureSession> OpenAsync(CaptureSessionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ComputeDevice device = options.Device ?? ComputeDevice.Choose("auto");
        VideoFormat format = options.Format ?? await VideoSource.ProbeAsync(options.Source, cancellationToken).ConfigureAwait(false);
        return Open(options, format, device);
    }

    /// <summary>Sets the CPU threads and loads the model for a source whose <paramref name="format"/> is known.</summary>
    public static CaptureSession Open(CaptureSessionOptions options, VideoFormat format)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Open(options, format, options.Device ?? ComputeDevice.Choose("auto"));
    }

    private static CaptureSession Open(CaptureSessionOptions options, VideoFormat format, ComputeDevice device)
    {
        // Whole frames at once beat threads inside one small frame on the CPU; torch's thread count is process-wide,
        // so each model worker gets its share of it.
        int frameWorkers = options.FrameParallelism.Resolve(format.Width, format.Height, device);
        ComputeDevice.SetThreads(FrameParallelism.ThreadsPerWorker(options.Threads ?? Environment.ProcessorCount, frameWorkers));
        LoadedModel loaded = EvcModelLoader.Load(options.Weights, options.Architecture, device);
        return new CaptureSession(options, format, device, frameWorkers, loaded);
    }

    /// <summary>
    /// Captures and codes into <paramref name="writer"/> until the source ends or <paramref name="stop"/> fires (the
    /// frames already captured are still written), or <paramref name="abort"/> fires. The caller completes the writer.
    /// </summary>
    public Task<CaptureResult> RunAsync(IEvcsPacketWriter writer, CancellationToken stop, CancellationToken abort) =>
        CapturePipeline.RunAsync(Options.Source, Format, Codec, writer, _pipelineOptions, Stats, stop, abort);

    /// <summary>Releases the model.</summary>
    public void Dispose() => Model.Dispose();
}
