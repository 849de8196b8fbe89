using EVC.Stream.Entropy;
using EVC.Stream.Safetensors;

namespace EVC.Stream.Benchmarks;

/// <summary>
/// Everything the entropy coder sees for one frame, in the model's call order: z (factorised table, index = channel),
/// then the two spatial-prior passes (Gaussian table, index from the predicted scale).
/// </summary>
public sealed class FrameLatent
{
    /// <summary>The kit case (or <c>synthetic</c>), used in payload file names.</summary>
    public required string Name { get; init; }
    /// <summary>Where the latent came from, as reports state it.</summary>
    public required string Source { get; init; }
    /// <summary>Frame width the latent is sized for.</summary>
    public required int Width { get; init; }
    /// <summary>Frame height the latent is sized for.</summary>
    public required int Height { get; init; }
    /// <summary>z symbols, channel by channel.</summary>
    public required int[] Z { get; init; }
    /// <summary>z table indexes (the channel of each symbol).</summary>
    public required byte[] ZIndexes { get; init; }
    /// <summary>First spatial-prior pass: symbols.</summary>
    public required int[] Pass0 { get; init; }
    /// <summary>First spatial-prior pass: Gaussian scale indexes.</summary>
    public required byte[] Pass0Indexes { get; init; }
    /// <summary>Second spatial-prior pass: symbols.</summary>
    public required int[] Pass1 { get; init; }
    /// <summary>Second spatial-prior pass: Gaussian scale indexes.</summary>
    public required byte[] Pass1Indexes { get; init; }
    /// <summary>The factorised table of z.</summary>
    public required CdfTable ZTable { get; init; }
    /// <summary>The Gaussian table of both passes.</summary>
    public required CdfTable GaussianTable { get; init; }

    /// <summary>Symbols of one frame, all three calls.</summary>
    public int SymbolCount => Z.Length + Pass0.Length + Pass1.Length;

    /// <summary>Encodes the three calls with our coder (the caller flushes).</summary>
    public void EncodeInto(RansEncoder encoder)
    {
        encoder.Encode(Z, ZIndexes, ZTable);
        encoder.Encode(Pass0, Pass0Indexes, GaussianTable);
        encoder.Encode(Pass1, Pass1Indexes, GaussianTable);
    }

    /// <summary>Encodes the three calls with the port of the official coder (the caller flushes).</summary>
    public void EncodeInto(Entropy.Reference.OfficialRansEncoder encoder)
    {
        encoder.Encode(Z, ZIndexes, ZTable);
        encoder.Encode(Pass0, Pass0Indexes, GaussianTable);
        encoder.Encode(Pass1, Pass1Indexes, GaussianTable);
    }

    /// <summary>Decodes a payload into the three scratch buffers (each at least as long as its call).</summary>
    public void DecodeFrom(RansDecoder decoder, ReadOnlySpan<byte> payload, int[] z, int[] pass0, int[] pass1)
    {
        decoder.SetStream(payload);
        decoder.Decode(ZIndexes, ZTable, z);
        decoder.Decode(Pass0Indexes, GaussianTable, pass0);
        decoder.Decode(Pass1Indexes, GaussianTable, pass1);
        decoder.Finish();
    }

    /// <summary>Decodes a payload of the official coder's port into the three scratch buffers.</summary>
    public void DecodeFrom(Entropy.Reference.OfficialRansDecoder decoder, byte[] payload, int[] z, int[] pass0, int[] pass1)
    {
        decoder.SetStream(payload);
        decoder.Decode(ZIndexes, ZTable, z);
        decoder.Decode(Pass0Indexes, GaussianTable, pass0);
        decoder.Decode(Pass1Indexes, GaussianTable, pass1);
    }

    /// <summary>
    /// A frame latent tiled from a kit case: each pass's flat symbols and indexes repeated cyclically to
    /// 96 × H/16 × W/16, and each z channel's values repeated cyclically to H/64 × W/64 (documented in docs/benchmarks.md,
    /// so the official coder can be run on exactly the same data).
    /// </summary>
    public static FrameLatent FromKitCase(string kitRoot, string caseName, int width, int height)
    {
        var tensors = SafetensorsFile.Load(Path.Combine(kitRoot, "tensors", caseName + ".safetensors"));
        if (!tensors.Contains("pass0_symbols"))
            throw new ArgumentException($"kit case {caseName} has no recorded symbols (use a light, mid or full case)");
        var tables = SafetensorsFile.Load(Path.Combine(kitRoot, "checkpoints", "EVC_SS_cdf_tables.safetensors"));
        CdfTable zTable = new(tables.GetInt32("z_cdf"), (int)tables.GetEntry("z_cdf").Shape[1], tables.GetInt32("z_cdf_length"), tables.GetInt32("z_offset"));

        int yCount = 96 * (height / 16) * (width / 16);
        int zPlane = (height / 64) * (width / 64);
        SafetensorsEntry zEntry = tensors.GetEntry("z_hat");
        int kitPlane = (int)(zEntry.Shape[2] * zEntry.Shape[3]);
        int channels = (int)zEntry.Shape[1];
        int[] kitZ = tensors.GetInt32("z_hat");
        var z = new int[channels * zPlane];
        var zIndexes = new byte[channels * zPlane];
        for (int c = 0; c < channels; c++)
        {
            for (int i = 0; i < zPlane; i++)
            {
                z[c * zPlane + i] = kitZ[c * kitPlane + i % kitPlane];
                zIndexes[c * zPlane + i] = (byte)c;
            }
        }
        return new FrameLatent
        {
            Name = caseName,
            Source = $"kit case {caseName}, tiled to {width}x{height}",
            Width = width,
            Height = height,
            Z = z,
            ZIndexes = zIndexes,
            Pass0 = Tile(tensors.GetInt32("pass0_symbols"), yCount),
            Pass0Indexes = Tile(tensors.GetUInt8("pass0_indexes"), yCount),
            Pass1 = Tile(tensors.GetInt32("pass1_symbols"), yCount),
            Pass1Indexes = Tile(tensors.GetUInt8("pass1_indexes"), yCount),
            ZTable = zTable,
            GaussianTable = GaussianConditional.Table,
        };
    }

    /// <summary>
    /// A synthetic latent for machines without the kit: scale indexes with a low-rate model's spread (mostly 0..60),
    /// symbols drawn from the Gaussian of each index's scale, and Laplacian z tables. Labelled synthetic in every report.
    /// </summary>
    public static FrameLatent Synthetic(int width, int height, int seed)
    {
        var random = new Random(seed);
        float[] scales = GaussianConditional.ScaleTable.ToArray();
        int yCount = 96 * (height / 16) * (width / 16);
        int zPlane = (height / 64) * (width / 64);
        (int[] symbols, byte[] indexes) Pass()
        {
            var symbols = new int[yCount];
            var indexes = new byte[yCount];
            for (int i = 0; i < yCount; i++)
            {
                int index = (int)Math.Min(255, Math.Abs(random.NextDouble() * random.NextDouble() * 90));
                indexes[i] = (byte)index;
                double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
                symbols[i] = (int)Math.Round(scales[index] * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
            return (symbols, indexes);
        }
        (int[] pass0, byte[] pass0Indexes) = Pass();
        (int[] pass1, byte[] pass1Indexes) = Pass();

        const int Channels = 192;
        var pmfs = new List<float[]>();
        var tails = new float[Channels];
        var offsets = new int[Channels];
        for (int c = 0; c < Channels; c++)
        {
            double b = 0.3 + 2.0 * c / Channels;
            var pmf = new float[25];
            for (int k = 0; k < pmf.Length; k++)
                pmf[k] = (float)(Math.Exp(-Math.Abs(k - 12) / b) / (2 * b));
            pmfs.Add(pmf);
            tails[c] = 1e-4f;
            offsets[c] = -12;
        }
        var z = new int[Channels * zPlane];
        var zIndexes = new byte[Channels * zPlane];
        for (int i = 0; i < z.Length; i++)
        {
            zIndexes[i] = (byte)(i / zPlane);
            z[i] = (int)Math.Round((random.NextDouble() - 0.5) * 4 * (0.3 + 2.0 * zIndexes[i] / Channels));
        }
        return new FrameLatent
        {
            Name = "synthetic",
            Source = $"synthetic (no reference kit found), {width}x{height}",
            Width = width,
            Height = height,
            Z = z,
            ZIndexes = zIndexes,
            Pass0 = pass0,
            Pass0Indexes = pass0Indexes,
            Pass1 = pass1,
            Pass1Indexes = pass1Indexes,
            ZTable = CdfTable.FromPmfs(pmfs, tails, offsets),
            GaussianTable = GaussianConditional.Table,
        };
    }

    private static T[] Tile<T>(T[] source, int count)
    {
        var result = new T[count];
        for (int i = 0; i < count; i++)
            result[i] = source[i % source.Length];
        return result;
    }
}
