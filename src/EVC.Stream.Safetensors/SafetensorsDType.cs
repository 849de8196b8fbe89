namespace EVC.Stream.Safetensors;

/// <summary>Element types of the safetensors format that EVC.Stream reads and writes.</summary>
public enum SafetensorsDType
{
    /// <summary>32-bit IEEE float.</summary>
    F32,
    /// <summary>16-bit IEEE float.</summary>
    F16,
    /// <summary>64-bit IEEE float.</summary>
    F64,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Signed 64-bit integer.</summary>
    I64,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>Signed 8-bit integer.</summary>
    I8,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Boolean, one byte each.</summary>
    Bool,
    /// <summary>bfloat16.</summary>
    BF16,
}
