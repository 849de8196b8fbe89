using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;

namespace EVC.Stream.Model.Checkpoints;

/// <summary>
/// Reads an official PyTorch checkpoint (<c>.pth.tar</c>/<c>.pth</c>, zip pickle) into a name → tensor dictionary with
/// TorchSharp.PyBridge. The caller owns (and disposes) the tensors.
/// </summary>
internal static class OfficialCheckpoint
{
    /// <summary>
    /// Loads every tensor of the checkpoint's state dict: a bare state dict, or one under <c>state_dict</c> and/or
    /// <c>net</c> (unwrapped in that order, as the official <c>get_state_dict</c> does). Prefixes are left to
    /// <see cref="CheckpointLoader.Normalise"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Dictionary<string, Tensor> LoadStateDict(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"checkpoint not found: {path}", path);
        IDictionary table = PyTorchUnpickler.UnpickleStateDict(path);
        foreach (string wrapper in new[] { "state_dict", "net" })
        {
            if (table[wrapper] is IDictionary inner)
            {
                foreach (DictionaryEntry entry in table)
                {
                    if (entry.Value is Tensor stray)
                        stray.Dispose();
                }
                table = inner;
            }
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is string name && entry.Value is Tensor tensor)
                result[name] = tensor;
        }
        return result;
    }
}
