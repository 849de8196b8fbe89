using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace EVC.Stream.Safetensors;

/// <summary>
/// Writes a safetensors file: tensors in the order added, the header padded with spaces to a multiple of 8 bytes.
/// </summary>
public sealed class SafetensorsWriter
{
    private readonly List<(string Name, SafetensorsDType DType, long[] Shape, byte[] Data)> _tensors = [];
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    /// <summary>Adds free-form string metadata (<c>__metadata__</c>).</summary>
    public SafetensorsWriter AddMetadata(string key, string value)
    {
        _metadata[key] = value;
        return this;
    }

    /// <summary>Adds a tensor from its elements.</summary>
    public SafetensorsWriter Add<T>(string name, SafetensorsDType dtype, long[] shape, ReadOnlySpan<T> values) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(shape);
        byte[] data = MemoryMarshal.AsBytes(values).ToArray();
        long count = 1;
        foreach (long d in shape)
            count *= d;
        if (count * SafetensorsFile.ElementSize(dtype) != data.Length)
            throw new ArgumentException($"Tensor '{name}': {data.Length} bytes do not match shape [{string.Join(',', shape)}] of {dtype}.", nameof(values));
        _tensors.Add((name, dtype, shape, data));
        return this;
    }

    /// <summary>Writes the file to <paramref name="stream"/>.</summary>
    public void WriteTo(System.IO.Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (_metadata.Count > 0)
            {
                json.WriteStartObject("__metadata__");
                foreach (KeyValuePair<string, string> item in _metadata)
                    json.WriteString(item.Key, item.Value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach ((string name, SafetensorsDType dtype, long[] shape, byte[] data) in _tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype.ToString().ToUpperInvariant());
                json.WriteStartArray("shape");
                foreach (long d in shape)
                    json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += data.Length;
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - header.Length % 8) % 8);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(header.Length + padding));
        stream.Write(length);
        header.Position = 0;
        header.CopyTo(stream);
        stream.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
        foreach ((_, _, _, byte[] data) in _tensors)
            stream.Write(data);
    }

    /// <summary>Writes the file to <paramref name="path"/> (through a temporary file, so a crash never leaves half a file).</summary>
    public void Save(string path)
    {
        string temporary = path + ".partial";
        using (FileStream file = File.Create(temporary))
            WriteTo(file);
        File.Move(temporary, path, overwrite: true);
    }
}
