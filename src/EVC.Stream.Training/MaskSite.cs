using TorchSharp.Modules;

namespace EVC.Stream.Training;

/// <summary>One masked width: channels [0, Kept) pass unchanged, channels [Kept, Total) are multiplied by <see cref="Mask"/>.</summary>
public sealed class MaskSite : IDisposable
{
    private readonly Tensor _ones;

    internal MaskSite(string module, long kept, long total, Device device)
    {
        Module = module;
        Kept = kept;
        Total = total;
        Mask = new Parameter(ones(total - kept, device: device));
        Mask.DetachFromDisposeScope();
        _ones = ones(kept, device: device).DetachFromDisposeScope();
    }

    /// <summary>The teacher module whose output is masked.</summary>
    public string Module { get; }

    /// <summary>Channels the student keeps.</summary>
    public long Kept { get; }

    /// <summary>Channels of the teacher.</summary>
    public long Total { get; }

    /// <summary>The masks of channels Kept … Total − 1 (start at 1).</summary>
    public Parameter Mask { get; }

    internal Tensor Apply(Tensor output) => output * cat(new[] { _ones, (Tensor)Mask }, 0).view(1, -1, 1, 1);

    /// <inheritdoc />
    public void Dispose()
    {
        Mask.Dispose();
        _ones.Dispose();
    }
}
