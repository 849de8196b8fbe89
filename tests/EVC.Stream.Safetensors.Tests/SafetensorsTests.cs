using System.Buffers.Binary;
using System.Text;

namespace EVC.Stream.Safetensors.Tests;

public class SafetensorsTests
{
    private static byte[] Write(SafetensorsWriter writer)
    {
        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        return stream.ToArray();
    }

    [Fact]
    public void Written_tensors_and_metadata_read_back_exactly()
    {
        float[] weights = [1.5f, -2.25f, float.Epsilon, float.MaxValue, 0f, -0f];
        int[] lengths = [3, 5, 7];
        byte[] indexes = [0, 1, 255];
        byte[] file = Write(new SafetensorsWriter()
            .AddMetadata("arch", "EVC_SS")
            .Add<float>("enc.0.weight", SafetensorsDType.F32, [2, 3], weights)
            .Add<int>("cdf_length", SafetensorsDType.I32, [3], lengths)
            .Add<byte>("indexes", SafetensorsDType.U8, [3], indexes));

        Assert.Equal(0, (int)(BinaryPrimitives.ReadUInt64LittleEndian(file) % 8));
        var read = SafetensorsFile.Parse(file);
        Assert.Equal("EVC_SS", read.Metadata["arch"]);
        Assert.Equal(weights, read.GetFloat32("enc.0.weight"));
        Assert.Equal([2L, 3L], read.GetEntry("enc.0.weight").Shape);
        Assert.Equal(lengths, read.GetInt32("cdf_length"));
        Assert.Equal(indexes, read.GetUInt8("indexes"));
        Assert.Equal([0, 1, 255], read.GetInt32("indexes"));
    }

    [Fact]
    public void Reads_the_reference_kit_tables()
    {
        string path = Path.Combine(RepositoryRoot(), "..", "shared", "reference", "evc-official", "checkpoints", "EVC_SS_cdf_tables.safetensors");
        var file = SafetensorsFile.Load(path);
        Assert.Equal([256L, 103L], file.GetEntry("gaussian_cdf").Shape);
        Assert.Equal(256 * 103, file.GetInt32("gaussian_cdf").Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(20)]
    public void Truncated_files_are_rejected_with_a_format_error(int keep)
    {
        byte[] file = Write(new SafetensorsWriter().Add<float>("x", SafetensorsDType.F32, [4], [1f, 2f, 3f, 4f]));
        Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Parse(file[..keep]));
        Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Parse(file[..^1]));
    }

    [Fact]
    public void A_header_length_beyond_the_file_is_rejected_without_allocating_it()
    {
        var file = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(file, ulong.MaxValue);
        Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Parse(file));
    }

    [Theory]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}")]
    [InlineData("{\"x\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}")]
    [InlineData("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,400]}}")]
    [InlineData("not json")]
    public void Inconsistent_headers_are_rejected(string header)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Parse(file));
    }

    private static string RepositoryRoot() => EVC.Stream.Tests.Shared.TestPaths.RepositoryRoot;
}
