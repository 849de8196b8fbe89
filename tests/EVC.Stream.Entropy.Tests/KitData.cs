using System.Buffers.Binary;
using System.Text.Json;
using EVC.Stream.Entropy;
using EVC.Stream.Safetensors;

namespace EVC.Stream.Entropy.Tests;

/// <summary>
/// Names and loads the official reference kit (<c>../shared/reference/evc-official</c> from the repository root,
/// or <c>$EVC_REFERENCE_KIT</c>). Tests fail with the path they looked at when it is missing: they must not pass silently.
/// </summary>
internal static class KitData
{
    
    private static readonly Lazy<SafetensorsFile> s_tables = new(() => SafetensorsFile.Load(Path.Combine(Root, "checkpoints", "EVC_SS_cdf_tables.safetensors")));
    private static readonly Lazy<CdfTable> s_gaussian = new(() => LoadTable("gaussian"));
    private static readonly Lazy<CdfTable> s_z = new(() => LoadTable("z"));

    public static string Root => EVC.Stream.Tests.Shared.TestPaths.Kit;

    public static SafetensorsFile Tables => s_tables.Value;

    /// <summary>The kit's Gaussian table exactly as handed to the official coder.</summary>
    public static CdfTable GaussianTable => s_gaussian.Value;

    /// <summary>The kit's factorised z table of EVC_SS exactly as handed to the official coder.</summary>
    public static CdfTable ZTable => s_z.Value;

    /// <summary>Every rANS vector in the kit's <c>rans/</c> folder (held-back vectors dropped there are picked up too).</summary>
    public static IEnumerable<object[]> RansVectorNames() =>
        Directory.GetFiles(Path.Combine(Root, "rans"), "*.safetensors").Order(StringComparer.Ordinal)
            .Select(f => new object[] { Path.GetFileNameWithoutExtension(f) });

    /// <summary>Every CDF-table file in the kit's <c>checkpoints/</c> folder, with each table prefix it holds.</summary>
    public static IEnumerable<object[]> CdfTableFiles()
    {
        foreach (string file in Directory.GetFiles(Path.Combine(Root, "checkpoints"), "*_cdf_tables.safetensors").Order(StringComparer.Ordinal))
        {
            var tables = SafetensorsFile.Load(file);
            foreach (string prefix in new[] { "gaussian", "z" })
            {
                if (tables.Contains(prefix + "_pmf"))
                    yield return new object[] { Path.GetFileName(file), prefix };
            }
        }
    }

    public static SafetensorsFile TablesFile(string fileName) => SafetensorsFile.Load(Path.Combine(Root, "checkpoints", fileName));

    /// <summary>The tables of a vector: the z table of the checkpoint it names (<c>__metadata__</c> "checkpoint"), else EVC_SS's.</summary>
    public static CdfTable ZTableFor(SafetensorsFile vector) =>
        vector.Metadata.TryGetValue("checkpoint", out string? checkpoint) && checkpoint != "EVC_SS"
            ? LoadTable(SafetensorsFile.Load(Path.Combine(Root, "checkpoints", checkpoint + "_cdf_tables.safetensors")), "z")
            : ZTable;

    public static IEnumerable<object[]> CaseNames() => Manifest().Select(c => new object[] { c.Name });

    public static CdfTable LoadTable(string prefix) => LoadTable(Tables, prefix);

    public static CdfTable LoadTable(SafetensorsFile tables, string prefix)
    {
        SafetensorsEntry cdf = tables.GetEntry(prefix + "_cdf");
        return new CdfTable(tables.GetInt32(prefix + "_cdf"), (int)cdf.Shape[1],
            tables.GetInt32(prefix + "_cdf_length"), tables.GetInt32(prefix + "_offset"));
    }

    public static SafetensorsFile RansVector(string name) => SafetensorsFile.Load(Path.Combine(Root, "rans", name + ".safetensors"));

    /// <summary>The sub-stream count of a vector: from <c>rans_vectors.json</c> when listed there, else from its stream's flag byte.</summary>
    public static int RansVectorSubStreams(string name)
    {
        string listing = Path.Combine(Root, "rans", "rans_vectors.json");
        if (File.Exists(listing))
        {
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(listing));
            foreach (JsonElement vector in json.RootElement.EnumerateArray())
            {
                if (vector.GetProperty("name").GetString() == name)
                    return vector.GetProperty("sub_streams").GetInt32();
            }
        }
        return (RansVector(name).GetUInt8("stream")[0] >> 4) + 1;
    }

    /// <summary>A case of the manifest; escape counts are null where the kit did not record them (min cases).</summary>
    public sealed record KitCase(string Name, string Bin, string Tensors, int? YEscapes, int? ZEscapes);

    private static int? CountOrNull(JsonElement c, string name) =>
        c.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    public static List<KitCase> Manifest()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "manifest.json")));
        var cases = new List<KitCase>();
        foreach (JsonElement c in json.RootElement.GetProperty("cases").EnumerateArray())
        {
            cases.Add(new KitCase(c.GetProperty("name").GetString()!, c.GetProperty("bin").GetString()!,
                c.GetProperty("tensors").GetString()!, CountOrNull(c, "y_escapes"), CountOrNull(c, "z_escapes")));
        }
        return cases;
    }

    public static KitCase Case(string name) => Manifest().Single(c => c.Name == name);

    /// <summary>The entropy-coded payload of an official <c>.bin</c>: after the 14-byte header (H, W, q_index, N).</summary>
    public static byte[] BinPayload(KitCase kitCase)
    {
        byte[] bin = File.ReadAllBytes(Path.Combine(Root, kitCase.Bin));
        int length = (int)BinaryPrimitives.ReadUInt32BigEndian(bin.AsSpan(10));
        Assert.Equal(bin.Length - 14, length);
        return bin.AsSpan(14, length).ToArray();
    }

    public static SafetensorsFile CaseTensors(KitCase kitCase) => SafetensorsFile.Load(Path.Combine(Root, kitCase.Tensors));

    public static byte[] ToBytes(int[] values) => Array.ConvertAll(values, v => checked((byte)v));

    /// <summary>z indexes are channel numbers: symbol i of a (1,C,h,w) tensor uses row i / (h*w).</summary>
    public static byte[] ChannelIndexes(long[] shape)
    {
        int channels = (int)shape[1];
        int plane = (int)(shape[2] * shape[3]);
        var indexes = new byte[channels * plane];
        for (int c = 0; c < channels; c++)
            indexes.AsSpan(c * plane, plane).Fill((byte)c);
        return indexes;
    }


}
