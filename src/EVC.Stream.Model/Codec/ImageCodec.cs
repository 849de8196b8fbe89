using EVC.Stream.Entropy;
using EVC.Stream.Model.Deterministic;
using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Model.Codec;

/// <summary>
/// Compresses and decompresses one image exactly as the official EVC code does (<c>compress</c>/<c>decompress</c>):
/// zero padding right/bottom to a multiple of 64, the official q_scale rounding, z coded first then the two
/// spatial-prior passes (each call split across two sub-streams), crop after decoding. In
/// <see cref="StreamMode.Deterministic"/> the entropy parameters come from exact fixed-point networks instead
/// (<see cref="DeterministicEntropyParameters"/>) and the <c>.bin</c> says so; decoding follows the stream's mode.
/// </summary>
public sealed class ImageCodec
{
    /// <summary>The padding multiple (the latent z is 64x smaller than the picture).</summary>
    public const int PaddingMultiple = 64;

    private readonly EvcModel _model;

    /// <summary>Wraps a loaded model; <paramref name="mode"/> is the mode streams are encoded in.</summary>
    public ImageCodec(EvcModel model, StreamMode mode = StreamMode.Official)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        Mode = mode;
    }

    /// <summary>The mode this codec encodes in (decoding follows each stream's own mode).</summary>
    public StreamMode Mode { get; }

    /// <summary>
    /// Benchmarks: called after each stage with its wall time — "encoder network", "hyperprior and priors",
    /// "entropy encoding", "entropy decoding and priors", "decoder network" (CUDA work is synchronised first).
    /// </summary>
    public Action<string, TimeSpan>? StageTimer { get; set; }

    private void Mark(ref long start, string stage)
    {
        if (StageTimer is null)
            return;
        if (Device.type == TorchSharp.DeviceType.CUDA)
            cuda.synchronize();
        long now = System.Diagnostics.Stopwatch.GetTimestamp();
        StageTimer(stage, System.Diagnostics.Stopwatch.GetElapsedTime(start, now));
        start = now;
    }

    /// <summary>The device the model runs on.</summary>
    public Device Device => _model.QBasic.device;

    /// <summary>The model.</summary>
    public EvcModel Model => _model;

    /// <summary>The fixed-point entropy-parameter networks of deterministic mode (quantised on first use).</summary>
    public DeterministicEntropyParameters DeterministicParameters => _model.DeterministicParameters;

    /// <summary>Intermediate tensors of one compression (for conformance checks); disposed by the caller's scope.</summary>
    public sealed record Trace(Tensor CurrQ, Tensor Y, Tensor Z, Tensor ZHat, Tensor PriorQStep, Tensor PriorScales, Tensor PriorMeans,
        Tensor SpatialPriorOutput, Tensor Pass0Scales, Tensor Pass1Scales, Tensor Pass0Means, Tensor Pass1Means,
        int[] ZSymbols, byte[] Pass0Indexes, byte[] Pass1Indexes, int[] Pass0Symbols, int[] Pass1Symbols, Tensor YHat);

    /// <summary>The coded size of a picture side: the next multiple of 64.</summary>
    public static int PaddedSize(int side) => (side + PaddingMultiple - 1) / PaddingMultiple * PaddingMultiple;

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
    public byte[] Compress(Tensor xPadded, int height, int width, double qScale, out Trace trace) =>
        Compress(xPadded, height, width, qScale, -1, out trace);

    /// <summary>
    /// Compresses a padded image; <paramref name="encoderLevel"/> picks the scalable-encoder level (−1: the highest;
    /// ignored by single-encoder models). The stream format does not depend on the level.
    /// </summary>
    public byte[] Compress(Tensor xPadded, int height, int width, double qScale, int encoderLevel, out Trace trace) =>
        Compress(xPadded, height, width, qScale, encoderLevel, out trace, entropyCode: true);

    private byte[] Compress(Tensor xPadded, int height, int width, double qScale, int encoderLevel, out Trace trace, bool entropyCode)
    {
        ArgumentNullException.ThrowIfNull(xPadded);
        using var noGrad = no_grad();
        Analysis a = Analyse(xPadded, qScale, encoderLevel);
        int[] zSymbols = ToSymbols(a.ZHat);
        int[] pass0 = ToSymbols(a.Passes.Pass0Symbols);
        int[] pass1 = ToSymbols(a.Passes.Pass1Symbols);
        byte[] pass0Indexes = ScaleIndexes(a.Passes.Pass0Scales);
        byte[] pass1Indexes = ScaleIndexes(a.Passes.Pass1Scales);
        byte[] bin = entropyCode ? EntropyCode(zSymbols, a.ZHat.shape, pass0, pass0Indexes, pass1, pass1Indexes, height, width, a.QIndex) : [];
        trace = new Trace(a.CurrQ, a.Y, a.Z, a.ZHat, a.Prior[0], a.Prior[1], a.Prior[2], a.Passes.SpatialPriorOutput, a.Passes.Pass0Scales, a.Passes.Pass1Scales,
            a.Passes.Pass0Means, a.Passes.Pass1Means, zSymbols, pass0Indexes, pass1Indexes, pass0, pass1, a.Passes.YHat * a.CurrQ);
        return bin;
    }

    /// <summary>Everything the networks compute on the encoder side (official <c>compress</c> up to entropy coding).</summary>
    private sealed record Analysis(int QIndex, Tensor CurrQ, Tensor Y, Tensor Z, Tensor ZHat, Tensor[] Prior, DualSpatialPrior.Encoded Passes);

    private Analysis Analyse(Tensor xPadded, double qScale, int encoderLevel)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        (double qUsed, int qIndex) = QScale.Round(qScale);
        Tensor currQ = QScale.CurrentQ(_model.QBasic, qUsed);
        Tensor y = _model.Analyse(xPadded, encoderLevel) / currQ;
        Mark(ref start, "encoder network");
        Tensor z = _model.HyperEncoder.forward(y);
        Tensor zHat = z.round();
        if (Mode == StreamMode.Deterministic)
        {
            var integers = DeterministicParameters.Prior(zHat);
            DualSpatialPrior.Encoded exact = DeterministicParameters.Compress(y, integers);
            Tensor[] real = [Real32(integers.QStep), Real32(integers.Scales), Real32(integers.Means)];
            Mark(ref start, "hyperprior and priors");
            return new Analysis(qIndex, currQ, y, z, zHat, real, exact);
        }
        // The official float32 summation order: the indexes (and so the bytes) are the official code's.
        Tensor[] prior = _model.ReferenceOrderPriors.Prior(zHat);  // q_step, scales, means
        DualSpatialPrior.Encoded passes = DualSpatialPrior.Compress(y, prior[2], prior[1], prior[0], _model.ReferenceOrderPriors.SpatialPrior);
        Mark(ref start, "hyperprior and priors");
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
    /// networks, symbols and CDF indexes per frame. <paramref name="encoderLevel"/> as in <see cref="Compress(Tensor, int, int, double, int, out Trace)"/>.
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
            frames[b] = new FrameSymbols(a.QIndex, zItem.shape, ToSymbols(zItem),
                ToSymbols(a.Passes.Pass0Symbols.narrow(0, b, 1)), ScaleIndexes(a.Passes.Pass0Scales.narrow(0, b, 1)),
                ToSymbols(a.Passes.Pass1Symbols.narrow(0, b, 1)), ScaleIndexes(a.Passes.Pass1Scales.narrow(0, b, 1)));
        }
        return frames;
    }

    /// <summary>Entropy-codes one analysed frame in the official call order; thread-safe, no tensors.</summary>
    public byte[] EncodePayload(FrameSymbols frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        using var encoder = new RansEncoder();
        encoder.Encode(frame.Z, ChannelIndexes(frame.ZShape), _model.ZTable);
        encoder.Encode(frame.Pass0, frame.Pass0Indexes, GaussianConditional.Table);
        encoder.Encode(frame.Pass1, frame.Pass1Indexes, GaussianConditional.Table);
        byte[] payload = encoder.Flush().ToArray();
        Mark(ref start, "entropy encoding");
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
        decoder.Decode(ChannelIndexes(zShape), _model.ZTable, zSymbols);
        Tensor zHat = tensor(zSymbols, zShape).to(ScalarType.Float32).to(device);

        Tensor DecodePass(Tensor scales)
        {
            byte[] indexes = ScaleIndexes(scales);
            onPass?.Invoke(pass++, scales, indexes);
            var symbols = new int[indexes.Length];
            decoder.Decode(indexes, GaussianConditional.Table, symbols);
            return tensor(symbols, scales.shape).to(ScalarType.Float32).to(device);
        }
        Tensor yHat;
        if (mode == StreamMode.Deterministic)
        {
            yHat = DeterministicParameters.Decompress(DeterministicParameters.Prior(zHat), DecodePass);
        }
        else
        {
            Tensor[] prior = _model.ReferenceOrderPriors.Prior(zHat);
            yHat = DualSpatialPrior.Decompress(prior[2], prior[1], prior[0], _model.ReferenceOrderPriors.SpatialPrior, DecodePass);
        }
        decoder.Finish();
        Tensor latent = yHat * currQ;
        Mark(ref start, "entropy decoding and priors");
        onLatent?.Invoke(latent);
        Tensor xHat = _model.Decoder.forward(latent).clamp_(0, 1);
        Mark(ref start, "decoder network");
        return xHat;
    }

    /// <summary>
    /// The rate estimate of the official <c>forward</c> without entropy coding: Gaussian bits of the quantised y
    /// (scales clamped to [0.11, 1e10]) plus the factorised prior's bits of ẑ, each <c>max(−log2(p + 1e-5), 0)</c>,
    /// divided by the padded pixel count. Float32 in torch: an estimate, not a bitstream size.
    /// </summary>
    public double EstimateBitsPerPixel(Tensor xPadded, double qScale, int encoderLevel = -1)
    {
        ArgumentNullException.ThrowIfNull(xPadded);
        using var scope = NewDisposeScope();
        Compress(xPadded, (int)xPadded.shape[2], (int)xPadded.shape[3], qScale, encoderLevel, out Trace trace, entropyCode: false);
        return EstimatedBits(trace) / (xPadded.shape[2] * xPadded.shape[3]);
    }

    /// <summary>λ of each rate anchor in the RD cost <c>λ·255²·MSE + bpp</c> (official <c>lmbdas</c>).</summary>
    public static readonly double[] AnchorLambdas = [0.0022, 0.0050, 0.012, 0.027];

    /// <summary>
    /// The scalable-encoder level with the lowest RD cost <c>λ·255²·MSE + bpp</c> for this image, as the official
    /// scalable <c>compress</c> chooses it when no level is forced; λ is that of the rate anchor nearest to
    /// <paramref name="qScale"/>. Single-encoder models return 0.
    /// </summary>
    public int ChooseEncoderLevel(Tensor xPadded, double qScale)
    {
        ArgumentNullException.ThrowIfNull(xPadded);
        if (_model.EncoderLevels <= 1)
            return 0;
        int anchor = 0;
        for (int i = 1; i < AnchorLambdas.Length; i++)
        {
            if (Math.Abs(Math.Log(_model.Anchor(i) / qScale)) < Math.Abs(Math.Log(_model.Anchor(anchor) / qScale)))
                anchor = i;
        }
        int best = 0;
        double bestCost = double.PositiveInfinity;
        for (int level = 0; level < _model.EncoderLevels; level++)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Compress(xPadded, (int)xPadded.shape[2], (int)xPadded.shape[3], qScale, level, out Trace trace, entropyCode: false);
            double bpp = EstimatedBits(trace) / (xPadded.shape[2] * xPadded.shape[3]);
            Tensor xHat = _model.Decoder.forward(trace.YHat);
            double mse = (xHat - xPadded).square().mean().to(ScalarType.Float64).item<double>();
            double cost = AnchorLambdas[anchor] * 255 * 255 * mse + bpp;
            if (cost < bestCost)
            {
                bestCost = cost;
                best = level;
            }
        }
        return best;
    }

    private double EstimatedBits(Trace trace) => GaussianBits(trace, 0) + GaussianBits(trace, 1) + FactorizedBits(trace.ZHat);

    private static double GaussianBits(Trace trace, int pass)
    {
        using var scope = NewDisposeScope();
        long[] shape = pass == 0 ? trace.Pass0Scales.shape : trace.Pass1Scales.shape;
        Tensor symbols = tensor(pass == 0 ? trace.Pass0Symbols : trace.Pass1Symbols, shape).to(ScalarType.Float32);
        Tensor sigma = (pass == 0 ? trace.Pass0Scales : trace.Pass1Scales).cpu().clamp(0.11, 1e10);
        Tensor sqrt2 = sigma * Math.Sqrt(2);
        Tensor upper = 0.5 * (1 + special.erf((symbols + 0.5) / sqrt2));
        Tensor lower = 0.5 * (1 + special.erf((symbols - 0.5) / sqrt2));
        return ProbabilityBits(upper - lower);
    }

    private double FactorizedBits(Tensor zHat)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        BitEstimator estimator = _model.BitEstimatorZ;
        return ProbabilityBits((estimator.Cdf(zHat + 0.5) - estimator.Cdf(zHat - 0.5)).cpu());
    }

    private static Tensor Real32(Tensor integers) => FixedPoint.ToReal(integers).to(ScalarType.Float32);

    private static double ProbabilityBits(Tensor probabilities)
    {
        using Tensor bits = (-(probabilities + 1e-5).log2()).clamp_min(0).sum();
        return bits.to(ScalarType.Float64).item<double>();
    }

    /// <summary>Symbols as the official coder receives them: clamped to ±30000, integers.</summary>
    private static int[] ToSymbols(Tensor values)
    {
        using Tensor clamped = values.clamp(-30000, 30000).to(ScalarType.Int32).cpu().contiguous();
        return clamped.data<int>().ToArray();
    }

    private static byte[] ScaleIndexes(Tensor scales)
    {
        using Tensor cpu = scales.to(ScalarType.Float32).cpu().contiguous();
        float[] values = cpu.data<float>().ToArray();
        var indexes = new byte[values.Length];
        GaussianConditional.ScalesToIndexes(values, indexes);
        return indexes;
    }

    private static byte[] ChannelIndexes(long[] shape)
    {
        long plane = shape[2] * shape[3];
        var indexes = new byte[shape[1] * plane];
        for (int c = 0; c < shape[1]; c++)
            indexes.AsSpan((int)(c * plane), (int)plane).Fill((byte)c);
        return indexes;
    }
}
