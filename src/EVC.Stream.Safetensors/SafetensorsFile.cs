using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace EVC.Stream.Safetensors;

/// <summary>
/// A safetensors file held in memory (an 8-byte little-endian header length, a JSON header
/// <c>{name: {dtype, shape, data_offsets}, "__metadata__": {...}}</c>, then the raw little-endian data).
/// Needs no torch: the entropy coder's tests and tools read the reference kit with it.
/// </summary>
public sealed class SafetensorsFile
{
    /// <summary>Largest header accepted (the format's own limit is 100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private readonly byte[] _data;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafetensorsEntry> _entries;

    private SafetensorsFile(byte[] data, long dataStart, Dictionary<string, SafetensorsEntry> entries, Dictionary<string, string> metadata)
    {
        _data = data;
        _dataStart = dataStart;
        _entries = entries;
        Metadata = metadata;
    }

    /// <summary>The free-form string metadata (<c>__metadata__</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>All tensor entries by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries => _entries;

    /// <summary>Reads and validates a file.</summary>
    /// <exception cref="SafetensorsFormatException">The file is not valid safetensors.</exception>
    public static SafetensorsFile Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>Parses a file's bytes.</summary>
    /// <exception cref="SafetensorsFormatException">The bytes are not valid safetensors.</exception>
    public static SafetensorsFile Parse(byte[] bytes, string name = "safetensors data")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 8)
            throw new SafetensorsFormatException($"{name}: too short for a safetensors header.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > bytes.Length - 8)
            throw new SafetensorsFormatException($"{name}: header length {headerLength} does not fit the file ({bytes.Length} bytes).");
        long dataStart = 8 + (long)headerLength;
        long dataLength = bytes.Length - dataStart;

        var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    foreach (JsonProperty item in property.Value.EnumerateObject())
                        metadata[item.Name] = item.Value.GetString() ?? "";
                    continue;
                }
                JsonElement value = property.Value;
                string dtypeText = value.GetProperty("dtype").GetString() ?? "";
                if (!Enum.TryParse(dtypeText, ignoreCase: true, out SafetensorsDType dtype))
                    throw new SafetensorsFormatException($"{name}: tensor '{property.Name}' has unsupported dtype '{dtypeText}'.");
                var shape = new List<long>();
                foreach (JsonElement d in value.GetProperty("shape").EnumerateArray())
                    shape.Add(d.GetInt64());
                JsonElement offsets = value.GetProperty("data_offsets");
                long begin = offsets[0].GetInt64();
                long end = offsets[1].GetInt64();
                var entry = new SafetensorsEntry(property.Name, dtype, [.. shape], begin, end - begin);
                if (begin < 0 || end < begin || end > dataLength)
                    throw new SafetensorsFormatException($"{name}: tensor '{property.Name}' data [{begin},{end}) lies outside the {dataLength}-byte data section.");
                if (entry.ElementCount * ElementSize(dtype) != entry.Length)
                    throw new SafetensorsFormatException($"{name}: tensor '{property.Name}' has {entry.Length} bytes for shape [{string.Join(',', shape)}] of {dtype}.");
                entries[property.Name] = entry;
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new SafetensorsFormatException($"{name}: malformed header ({e.Message}).", e);
        }
        return new SafetensorsFile(bytes, dataStart, entries, metadata);
    }

    /// <summary>Size in bytes of one element of <paramref name="dtype"/>.</summary>
    public static int ElementSize(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F64 or SafetensorsDType.I64 => 8,
        SafetensorsDType.F32 or SafetensorsDType.I32 => 4,
        SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.I16 => 2,
        _ => 1,
    };

    /// <summary>True when the file has a tensor called <paramref name="name"/>.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The entry of a tensor.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public SafetensorsEntry GetEntry(string name) =>
        _entries.TryGetValue(name, out SafetensorsEntry? entry) ? entry : throw new KeyNotFoundException($"No tensor named '{name}'.");

    /// <summary>The raw little-endian bytes of a tensor.</summary>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        SafetensorsEntry entry = GetEntry(name);
        return _data.AsSpan((int)(_dataStart + entry.Offset), (int)entry.Length);
    }

    /// <summary>A tensor as float32 values (F32 only).</summary>
    public float[] GetFloat32(string name) => Read<float>(name, SafetensorsDType.F32);

    /// <summary>A tensor as int32 values (I32, or U8/I16/I64 widened or narrowed).</summary>
    public int[] GetInt32(string name)
    {
        SafetensorsEntry entry = GetEntry(name);
        switch (entry.DType)
        {
            case SafetensorsDType.I32:
                return Read<int>(name, SafetensorsDType.I32);
            case SafetensorsDType.U8:
                {
                    ReadOnlySpan<byte> bytes = GetBytes(name);
                    var result = new int[bytes.Length];
                    for (int i = 0; i < bytes.Length; i++)
                        result[i] = bytes[i];
                    return result;
                }
            case SafetensorsDType.I16:
                {
                    short[] values = Read<short>(name, SafetensorsDType.I16);
                    return Array.ConvertAll(values, v => (int)v);
                }
            case SafetensorsDType.I64:
                {
                    long[] values = Read<long>(name, SafetensorsDType.I64);
                    return Array.ConvertAll(values, v => checked((int)v));
                }
            default:
                throw new SafetensorsFormatException($"Tensor '{name}' is {entry.DType}, not an integer type.");
        }
    }

    /// <summary>A tensor as bytes (U8 only).</summary>
    public byte[] GetUInt8(string name) => Read<byte>(name, SafetensorsDType.U8);

    private T[] Read<T>(string name, SafetensorsDType expected) where T : unmanaged
    {
        SafetensorsEntry entry = GetEntry(name);
        if (entry.DType != expected)
            throw new SafetensorsFormatException($"Tensor '{name}' is {entry.DType}, not {expected}.");
        ReadOnlySpan<byte> bytes = GetBytes(name);
        var result = new T[entry.ElementCount];
        bytes.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
        return result;
    }
}
