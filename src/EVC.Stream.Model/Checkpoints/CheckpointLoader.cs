using System.Text;
using EVC.Stream.Model.Models;

namespace EVC.Stream.Model.Checkpoints;

/// <summary>Loads official checkpoints into an <see cref="EvcModel"/>.</summary>
internal static class CheckpointLoader
{
    /// <summary>
    /// Normalises an official state dict: unwraps nothing here (PyBridge returns the top-level dict), strips
    /// <c>module.</c> prefixes, and takes the student of a mask-decay checkpoint (<c>student.</c>/<c>teacher.</c> keys).
    /// </summary>
    public static Dictionary<string, Tensor> Normalise(Dictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        bool hasStudent = stateDict.Keys.Any(k => k.StartsWith("student.", StringComparison.Ordinal) || k.StartsWith("module.student.", StringComparison.Ordinal));
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach ((string key, Tensor value) in stateDict)
        {
            string name = key.StartsWith("module.", StringComparison.Ordinal) ? key["module.".Length..] : key;
            if (hasStudent)
            {
                if (!name.StartsWith("student.", StringComparison.Ordinal))
                    continue;
                name = name["student.".Length..];
            }
            result[name] = value;
        }
        return result;
    }

    /// <summary>
    /// For scalable-encoder models, fills every <c>encs.i.*</c> missing from the state dict from the single-encoder
    /// key <c>enc.*</c> of the same shape, as the official <c>ScalableEnc.load_state_dict</c> does (a non-scalable
    /// checkpoint then initialises all encoders); the <c>enc.*</c> keys are consumed.
    /// </summary>
    public static Dictionary<string, Tensor> MapScalableEncoders(EvcModel model, Dictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stateDict);
        if (model.EncoderLevels <= 1 || !stateDict.Keys.Any(k => k.StartsWith("enc.", StringComparison.Ordinal)))
            return stateDict;
        var result = new Dictionary<string, Tensor>(stateDict, StringComparer.Ordinal);
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in model.named_parameters())
        {
            if (!name.StartsWith("encs.", StringComparison.Ordinal) || result.ContainsKey(name))
                continue;
            string single = "enc." + string.Join('.', name.Split('.').Skip(2));
            if (stateDict.TryGetValue(single, out Tensor? value) && value.shape.SequenceEqual(parameter.shape))
                result[name] = value;
        }
        foreach (string key in stateDict.Keys.Where(k => k.StartsWith("enc.", StringComparison.Ordinal)))
            result.Remove(key);
        return result;
    }

    /// <summary>Loads an official <c>.pth.tar</c>/<c>.pth</c> into a new model of <paramref name="architecture"/>.</summary>
    public static EvcModel LoadOfficial(string path, EvcArchitecture architecture)
    {
        Dictionary<string, Tensor> raw = OfficialCheckpoint.LoadStateDict(path);
        try
        {
            var model = new EvcModel(architecture);
            Load(model, MapScalableEncoders(model, Normalise(raw)), Path.GetFileName(path));
            return model;
        }
        finally
        {
            foreach (Tensor tensor in raw.Values)
                tensor.Dispose();
        }
    }

    /// <summary>Copies every parameter from <paramref name="stateDict"/>; all mismatches are reported together.</summary>
    /// <exception cref="CheckpointMismatchException">A key is missing, unexpected or has the wrong shape.</exception>
    public static void Load(EvcModel model, IReadOnlyDictionary<string, Tensor> stateDict, string source = "checkpoint")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stateDict);
        var expected = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach ((string name, TorchSharp.Modules.Parameter parameter) in model.named_parameters())
            expected[name] = parameter;

        var problems = new StringBuilder();
        int count = 0;
        foreach ((string name, Tensor target) in expected)
        {
            if (!stateDict.TryGetValue(name, out Tensor? value))
            {
                problems.Append(System.Globalization.CultureInfo.InvariantCulture, $"; missing {name} {Shape(target)}");
                count++;
            }
            else if (!value.shape.SequenceEqual(target.shape))
            {
                problems.Append(System.Globalization.CultureInfo.InvariantCulture, $"; {name} is {Shape(value)}, expected {Shape(target)}");
                count++;
            }
        }
        foreach (string name in stateDict.Keys.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            problems.Append(System.Globalization.CultureInfo.InvariantCulture, $"; unexpected {name}");
            count++;
        }
        if (count > 0)
            throw new CheckpointMismatchException($"{source} does not fit {model.Architecture.Name} ({count} problems){problems}");

        using var noGrad = no_grad();
        foreach ((string name, Tensor target) in expected)
            target.copy_(stateDict[name]);
    }

    private static string Shape(Tensor t) => "[" + string.Join(",", t.shape) + "]";
}
