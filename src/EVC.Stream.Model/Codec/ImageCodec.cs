using EVC.Stream.Imaging;
using EVC.Stream.Entropy;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Deterministic;
using EVC.Stream.Model.EntropyModels;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Model.Codec;

/// <summary>
/// Compresses and decompresses one image exactly as the official EVC code does (<c>compress</c>/<c>decompress</c>):
/// zero padding right/bottom to a multiple of 64, the official q_scale rounding, z coded first then the two
/// spatial-prior passes (each call split across two sub-streams), crop after decoding. In
/// <see cref="StreamMode.Deterministic"/> the entropy parameters come from exact fixed-point networks instead
/// (<see cref="DeterministicEntropyParameters"/>) and the <c>.bin</c> says so; decoding follows the stream's mode.
/// The <c>.bin</c> layout is <see cref="BinFile"/>'s; rate estimation without coding is <see cref="RateEstimator"/>'s and
/// the choice of a scalable-encoder level <see cref="EncoderLevelChoice"/>'s.
/// </summary>
internal sealed class ImageCodec
{
    /// <summary>The padding multiple (the latent z is 64x smaller than the picture).</summary>
    public const int PaddingMultiple = 64;

    private readonly EvcModel _model;
    private readonly Precision _requested;

    /// <summary>
    /// Wraps a loaded model; <paramref name="mode"/> is the mode streams are encoded in, <paramref name="precision"/> the
    /// number format of the analysis and synthesis transforms (default fp32: the official numbers; auto resolves for
    /// the model's device and each stream's mode, <see cref="PrecisionChoice.Resolve(Precision, ComputeDevice, StreamMode)"/>).
    /// </summary>
    public ImageCodec(EvcModel model, StreamMode mode = StreamMode.Official, Precision precision = Precision.Fp32)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        Mode = mode;
        _requested = precision;
    }

    /// <summary>The mode this codec encodes in (decoding follows each stream's own mode).</summary>
    public StreamMode Mode { get; }

    /// <summary>The number format of the transforms for <see cref="Mode"/> streams: fp32 or bf16 (never auto).</summary>
    public Precision Precision => PrecisionFor(Mode);

    /// <summary>The number format of the transforms for <paramref name="mode"/> streams: fp32 or bf16.</summary>
    public Precision PrecisionFor(StreamMode mode) => PrecisionChoice.Resolve(_requested, Device.type == TorchSharp.DeviceType.CPU, mode);

    /// <summary>
    /// Whether the transforms run channels-last (NHWC strides); null (default): <see cref="DefaultChannelsLast"/>.
    /// For benchmarks: the numbers do not depend on it beyond float rounding.
    /// </summary>
    internal bool? ChannelsLast { get; init; }

    /// <summary>
    /// Channels-last for bf16 (oneDNN's blocked bf16 convolutions: faster than NCHW bf16 in every run here,
    /// docs/precision.md); never for fp32, which must stay bit-identical to the official float32 results (official
    /// streams are byte-exact) although channels-last measured faster there too.
    /// </summary>
    internal static bool DefaultChannelsLast(Precision precision) => precision == Precision.Bf16;

    /// <summary>The transforms' copy in this codec's precision for <paramref name="mode"/> and layout; null for fp32 NCHW (the model itself).</summary>
    private TransformCopy? CopyFor(StreamMode mode)
    {
        Precision precision = PrecisionFor(mode);
        bool channelsLast = ChannelsLast ?? DefaultChannelsLast(precision);
        return precision == Precision.Fp32 && !channelsLast
            ? null
            : _model.TransformCopy(precision == Precision.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32, channelsLast);
    }

    /// <summary>The analysis transform (<see cref="EvcModel.Analyse"/>) in this codec's precision; float32 out.</summary>
    internal Tensor AnalysisTransform(Tensor x, int encoderLevel) => CopyFor(Mode) is { } copy ? copy.Analyse(x, encoderLevel) : _model.Analyse(x, encoderLevel);

    /// <summary><c>hyper_enc</c> in this codec's precision; float32 out.</summary>
    internal Tensor HyperEncode(Tensor y) => CopyFor(Mode) is { } copy ? copy.HyperEncode(y) : _model.HyperEncoder.forward(y);

    /// <summary><c>dec</c> in this codec's precision for <see cref="Mode"/> streams: float32 ŷ·curr_q in, float32 x̂ (not clamped) out.</summary>
    internal Tensor SynthesisTransform(Tensor latent) => SynthesisTransform(latent, Mode);

    /// <summary><c>dec</c> in this codec's precision for <paramref name="mode"/> streams.</summary>
    private Tensor SynthesisTransform(Tensor latent, StreamMode mode) => CopyFor(mode) is { } copy ? copy.Synthesise(latent) : _model.Decoder.forward(latent);

    /// <summary>
    /// Benchmarks: called after each stage with its wall time — "encoder network", "hyperprior and priors",
    /// "entropy encoding", "entropy decoding and priors", "decoder network" (CUDA work is synchronised first).
    /// </summary>
    public Action<string, TimeSpan>? StageTimer { get; set; }

    private void Mark(ref long start, string stage) => CodecStageTiming.Mark(StageTimer, Device, ref start, stage);

    /// <summary>The device the model runs on.</summary>
    public Device Device => _model.QBasic.device;

    /// <summary>The model.</summary>
    public EvcModel Model => _model;

    /// <summary>The fixed-point entropy-parameter networks of deterministic mode (quantised on first use).</summary>
    public DeterministicEntropyParameters DeterministicParameters =>
        _model.DeterministicParametersOf(Mode == StreamMode.Official ? StreamMode.Deterministic : Mode);

    /// <summary>The coded size of a picture side: the next multiple of 64.</summary>
    public static int PaddedSize(int side) => (side + PaddingMultiple - 1) / PaddingMultiple * PaddingMultiple;

    /// <summary>
    /// A padded reconstruction (1, 3, Hpad, Wpad) as packed 8-bit RGB of its visible <paramref name="width"/> ×
    /// <paramref name="height"/>: <c>clip(rint(255·x), 0, 255)</c>, as the official scripts save. One copy off the device,
    /// owned by the caller's dispose scope.
    /// </summary>
    public static void CopyToRgb24(Tensor xHat, Span<byte> rgb, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(xHat);
        Tensor cpu = xHat.cpu().contiguous();
        PixelConversion.PlanarToRgb24(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(cpu.bytes), (int)xHat.shape[3], (int)xHat.shape[2], rgb, width, height);
    }

    /// <summary>Pads an image (1, 3, H, W) with zeros on the right and bottom to multiples of 64.</summary>
    public static Tensor Pad(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        long h = x.shape[2], w = x.shape[3];
        long padBottom = PaddedSize((int)h) - h;
        long padRight = PaddedSize((int)w) - w;
        return nn.functional.pad(x, new long[] { 0, padRight, 0, padBottom }, TorchSharp.PaddingModes.Constant, 0);
    }

    /// <summary>Compresses a padded image (values in [0, 1]) to an official <c>.bin</c>.</summary>
    public byte[] Compress(Tensor xPadded, int height, int width, double qScale, out CompressionTrace trace) =>
        Compress(xPadded, height, width, qScale, -1, out trace);

    /// <summary>
    /// Compresses a padded image; <paramref name="encoderLevel"/> picks the scalable-encoder level (−1: the highest;
    /// ignored by single-encoder models). The stream format does not depend on the level.
    /// </summary>
    public byte[] Compress(Tensor xPadded, int height, int width, double qScale, int encoderLevel, out CompressionTrace trace)
    {
        ArgumentNullException.ThrowIfNull(xPadded);
        using var noGrad = no_grad();
        (int qIndex, trace) = AnalyseTraced(xPadded, qScale, encoderLevel);
        return EntropyCode(trace.ZSymbols, trace.ZHat.shape, trace.Pass0Symbols, trace.Pass0Indexes, trace.Pass1Symbols, trace.Pass1Indexes, height, width, qIndex);
    }

    /// <summary>
    /// The network side of <see cref="Compress(Tensor, int, int, double, int, out CompressionTrace)"/> without entropy
    /// coding: what the rate estimate and the encoder-level choice look at.
    /// </summary>
    internal CompressionTrace AnalyseWithoutCoding(Tensor xPadded, double qScale, int encoderLevel)
    {
        ArgumentNullException.ThrowIfNull(xPadded);
        using var noGrad = no_grad();
        return AnalyseTraced(xPadded, qScale, encoderLevel).Trace;
    }

    private (int QIndex, CompressionTrace Trace) AnalyseTraced(Tensor xPadded, double qScale, int encoderLevel)
    {
        Analysis a = Analyse(xPadded, qScale, encoderLevel);
        int[] zSymbols = CoderInputs.Symbols(a.ZHat);
        int[] pass0 = CoderInputs.Symbols(a.Passes.Pass0Symbols);
        int[] pass1 = CoderInputs.Symbols(a.Passes.Pass1Symbols);
        byte[] pass0Indexes = CoderInputs.ScaleIndexes(a.Passes.Pass0Scales);
        byte[] pass1Indexes = CoderInputs.ScaleIndexes(a.Passes.Pass1Scales);
        var trace = new CompressionTrace(a.CurrQ, a.Y, a.Z, a.ZHat, a.Prior[0], a.Prior[1], a.Prior[2], a.Passes.SpatialPriorOutput, a.Passes.Pass0Scales, a.Passes.Pass1Scales,
            a.Passes.Pass0Means, a.Passes.Pass1Means, zSymbols, pass0Indexes, pass1Indexes, pass0, pass1, a.Passes.YHat * a.CurrQ);
        return (a.QIndex, trace);
    }

    /// <summary>Everything the networks compute on the encoder side (official <c>compress</c> up to entropy coding).</summary>
    private sealed record Analysis(int QIndex, Tensor CurrQ, Tensor Y, Tensor Z, Tensor ZHat, Tensor[] Prior, DualSpatialPrior.Encoded Passes);

    private Analysis Analyse(Tensor xPadded, double qScale, int encoderLevel)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        (double qUsed, int qIndex) = QScale.Round(qScale);
        Tensor currQ = QScale.CurrentQ(_model.QBasic, qUsed);
        Tensor y = AnalysisTransform(xPadded, encoderLevel) / currQ;
        Mark(ref start, CodecStageTiming.EncoderNetwork);
        Tensor z = HyperEncode(y);
        Tensor zHat = z.round();
        if (Mode != StreamMode.Official)
        {
            DeterministicEntropyParameters parameters = DeterministicParameters;
            var integers = parameters.Prior(zHat);
            DualSpatialPrior.Encoded exact = parameters.Compress(y, integers);
            Tensor[] real = [parameters.Real32(integers.QStep), parameters.Real32(integers.Scales), parameters.Real32(integers.Means)];
            Mark(ref start, CodecStageTiming.HyperpriorAndPriors);
            return new Analysis(qIndex, currQ, y, z, zHat, real, exact);
        }
        // The official float32 summation order: the indexes (and so the bytes) are the official code's.
        Tensor[] prior = _model.ReferenceOrderPriors.Prior(zHat);  // q_step, scales, means
        DualSpatialPrior.Encoded passes = DualSpatialPrior.Compress(y, prior[2], prior[1], prior[0], _model.ReferenceOrderPriors.SpatialPrior);
        Mark(ref start, CodecStageTiming.HyperpriorAndPriors);
        return new Analysis(qIndex, currQ, y, z, zHat, prior, passes);
    }

    /// <summary>The official call order: z (index = channel), pass 0, pass 1, one flush; then the <c>.bin</c> header.</summary>
    private byte[] EntropyCode(int[] zSymbols, long[] zShape, int[] pass0, byte[] pass0Indexes, int[] pass1, byte[] pass1Indexes, int height, int width, int qIndex) =>
        BinFile.Write(height, width, qIndex, EncodePayload(new FrameSymbols(qIndex, zShape, zSymbols, pass0, pass0Indexes, pass1, pass1Indexes)), Mode);

    /// <summary>One image of a batch: its <c>.bin</c> and the CDF indexes the encoder used in each pass.</summary>
    public sealed record BatchItem(byte[] Bin, byte[] Pass0Indexes, byte[] Pass1Indexes);

    /// <summary>
    /// Compresses a batch of padded images of one size (N, 3, Hpad, Wpad) with one pass of the networks and one
    /// <c>.bin</c> per image. In official mode the float results — and so the indexes — may depend on the batch size.
    /// </summary>
    public BatchItem[] CompressBatch(Tensor xPadded, int height, int width, double qScale)
    {
        FrameSymbols[] frames = AnalyseBatch(xPadded, qScale);
        var items = new BatchItem[frames.Length];
        for (int b = 0; b < items.Length; b++)
            items[b] = new BatchItem(BinFile.Write(height, width, frames[b].QIndex, EncodePayload(frames[b]), Mode), frames[b].Pass0Indexes, frames[b].Pass1Indexes);
        return items;
    }

    /// <summary>
    /// Everything the entropy coder needs for one frame, on the CPU: the network side of compression is done, the
    /// coding itself (<see cref="EncodePayload"/>) can run on any thread.
    /// </summary>
    public sealed record FrameSymbols(int QIndex, long[] ZShape, int[] Z, int[] Pass0, byte[] Pass0Indexes, int[] Pass1, byte[] Pass1Indexes);

    /// <summary>
    /// The network side of compressing a batch of padded frames of one size (N, 3, Hpad, Wpad): one pass of the
    /// networks, symbols and CDF indexes per frame. <paramref name="encoderLevel"/> as in <see cref="Compress(Tensor, int, int, double, int, out CompressionTrace)"/>.
    /// </summary>
    public FrameSymbols[] AnalyseBatch(Tensor xPadded, double qScale, int encoderLevel = -1)
    {
        ArgumentNullException.ThrowIfNull(xPadded);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Analysis a = Analyse(xPadded, qScale, encoderLevel);
        var frames = new FrameSymbols[xPadded.shape[0]];
        for (int b = 0; b < frames.Length; b++)
        {
            Tensor zItem = a.ZHat.narrow(0, b, 1);
            frames[b] = new FrameSymbols(a.QIndex, zItem.shape, CoderInputs.Symbols(zItem),
                CoderInputs.Symbols(a.Passes.Pass0Symbols.narrow(0, b, 1)), CoderInputs.ScaleIndexes(a.Passes.Pass0Scales.narrow(0, b, 1)),
                CoderInputs.Symbols(a.Passes.Pass1Symbols.narrow(0, b, 1)), CoderInputs.ScaleIndexes(a.Passes.Pass1Scales.narrow(0, b, 1)));
        }
        return frames;
    }

    /// <summary>Entropy-codes one analysed frame in the official call order; thread-safe, no tensors.</summary>
    public byte[] EncodePayload(FrameSymbols frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        using var encoder = new RansEncoder();
        encoder.Encode(frame.Z, CoderInputs.ChannelIndexes(frame.ZShape), _model.ZTable);
        encoder.Encode(frame.Pass0, frame.Pass0Indexes, GaussianConditional.Table);
        encoder.Encode(frame.Pass1, frame.Pass1Indexes, GaussianConditional.Table);
        byte[] payload = encoder.Flush().ToArray();
        Mark(ref start, CodecStageTiming.EntropyEncoding);
        return payload;
    }

    /// <summary>
    /// Decodes one frame's payload (a <c>.bin</c> without its header, or an <c>.evcs</c> packet) coded in
    /// <paramref name="mode"/> to the padded reconstruction, clamped to [0, 1] (1, 3, Hpad, Wpad).
    /// </summary>
    /// <exception cref="EntropyCodingException">The payload is corrupt or truncated.</exception>
    public Tensor DecompressPayload(ReadOnlyMemory<byte> payload, int height, int width, int qIndex, StreamMode mode) =>
        DecompressPayload(payload, height, width, qIndex, mode, null, null);

    /// <summary>Decompresses an official <c>.bin</c> to the padded reconstruction, clamped to [0, 1] (1, 3, Hpad, Wpad).</summary>
    /// <exception cref="EntropyCodingException">The payload is corrupt or truncated.</exception>
    public Tensor Decompress(ReadOnlyMemory<byte> bin, out int height, out int width) => Decompress(bin, out height, out width, null);

    /// <summary>
    /// Decompresses an official <c>.bin</c>; <paramref name="onPass"/> sees each spatial-prior pass's packed scales and
    /// the CDF indexes computed from them before that pass is entropy-decoded (for conformance diagnostics).
    /// </summary>
    public Tensor Decompress(ReadOnlyMemory<byte> bin, out int height, out int width, Action<int, Tensor, byte[]>? onPass) =>
        Decompress(bin, out height, out width, onPass, null);

    /// <summary>
    /// Decompresses a <c>.bin</c> of either mode; <paramref name="onLatent"/> sees ŷ·curr_q, the synthesis input
    /// (float32), before the synthesis transform runs.
    /// </summary>
    public Tensor Decompress(ReadOnlyMemory<byte> bin, out int height, out int width, Action<int, Tensor, byte[]>? onPass, Action<Tensor>? onLatent)
    {
        (height, width, int qIndex, ReadOnlyMemory<byte> payload, StreamMode mode) = BinFile.ReadWithMode(bin);
        return DecompressPayload(payload, height, width, qIndex, mode, onPass, onLatent);
    }

    private Tensor DecompressPayload(ReadOnlyMemory<byte> payload, int height, int width, int qIndex, StreamMode mode, Action<int, Tensor, byte[]>? onPass, Action<Tensor>? onLatent)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        if (qIndex <= 0)
            throw new ArgumentOutOfRangeException(nameof(qIndex), "q_index must be positive");
        int pass = 0;
        long paddedHeight = PaddedSize(height);
        long paddedWidth = PaddedSize(width);
        using var noGrad = no_grad();
        Device device = _model.QBasic.device;
        Tensor currQ = QScale.CurrentQ(_model.QBasic, qIndex / 100.0);

        using var decoder = new RansDecoder();
        decoder.SetStream(payload.Span);
        long[] zShape = [1, EvcArchitecture.LatentChannels, paddedHeight / PaddingMultiple, paddedWidth / PaddingMultiple];
        var zSymbols = new int[zShape[1] * zShape[2] * zShape[3]];
        decoder.Decode(CoderInputs.ChannelIndexes(zShape), _model.ZTable, zSymbols);
        Tensor zHat = tensor(zSymbols, zShape).to(ScalarType.Float32).to(device);

        Tensor DecodePass(Tensor scales)
        {
            byte[] indexes = CoderInputs.ScaleIndexes(scales);
            onPass?.Invoke(pass++, scales, indexes);
            var symbols = new int[indexes.Length];
            decoder.Decode(indexes, GaussianConditional.Table, symbols);
            return tensor(symbols, scales.shape).to(ScalarType.Float32).to(device);
        }
        Tensor yHat;
        if (mode != StreamMode.Official)
        {
            DeterministicEntropyParameters parameters = _model.DeterministicParametersOf(mode);
            yHat = parameters.Decompress(parameters.Prior(zHat), DecodePass);
        }
        else
        {
            Tensor[] prior = _model.ReferenceOrderPriors.Prior(zHat);
            yHat = DualSpatialPrior.Decompress(prior[2], prior[1], prior[0], _model.ReferenceOrderPriors.SpatialPrior, DecodePass);
        }
        decoder.Finish();
        Tensor latent = yHat * currQ;
        Mark(ref start, CodecStageTiming.EntropyDecodingAndPriors);
        onLatent?.Invoke(latent);
        Tensor xHat = SynthesisTransform(latent, mode).clamp_(0, 1);
        Mark(ref start, CodecStageTiming.DecoderNetwork);
        return xHat;
    }

    /// <summary>
    /// The rate estimate of the official <c>forward</c> without entropy coding, in bits per padded pixel
    /// (<see cref="RateEstimator.BitsPerPixel"/>).
    /// </summary>
    public double EstimateBitsPerPixel(Tensor xPadded, double qScale, int encoderLevel = -1) =>
        RateEstimator.BitsPerPixel(this, xPadded, qScale, encoderLevel);

    /// <summary>
    /// The scalable-encoder level with the lowest RD cost for this image, as the official scalable <c>compress</c>
    /// chooses it when no level is forced (<see cref="EncoderLevelChoice.Choose"/>). Single-encoder models return 0.
    /// </summary>
    public int ChooseEncoderLevel(Tensor xPadded, double qScale) => EncoderLevelChoice.Choose(this, xPadded, qScale);

}
