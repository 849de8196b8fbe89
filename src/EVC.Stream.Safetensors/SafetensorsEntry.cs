namespace EVC.Stream.Safetensors;

/// <summary>One tensor's entry in a safetensors header.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="Offset">Byte offset of the data from the start of the data section.</param>
/// <param name="Length">Byte length of the data.</param>
public sealed record SafetensorsEntry(string Name, SafetensorsDType DType, long[] Shape, long Offset, long Length)
{
    /// <summary>Number of elements (product of the shape).</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (long d in Shape)
                count *= d;
            return count;
        }
    }
}
