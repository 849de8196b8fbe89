using System.Collections;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Model.Tests;

/// <summary>Official checkpoint variants: wrapped state dicts, DataParallel prefixes, mask-decay student/teacher pairs.</summary>
public sealed class CheckpointFormatTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Hashtable Official()
    {
        var table = new Hashtable();
        foreach ((string name, Tensor value) in OfficialCheckpoint.LoadStateDict(Path.Combine(FactorizedPriorTests.Kit(), "checkpoints", "EVC_SS.pth.tar")))
            table[name] = value;
        return table;
    }

    private string Save(string name, Hashtable content)
    {
        string path = Path.Combine(_directory, name);
        TorchSharp.PyBridge.PyTorchPickler.PickleStateDict(path, content);
        return path;
    }

    [Fact]
    public void A_state_dict_under_state_dict_and_net_with_module_prefixes_loads()
    {
        Hashtable official = Official();
        var prefixed = new Hashtable();
        foreach (DictionaryEntry e in official)
            prefixed["module." + e.Key] = e.Value;
        string path = Save("wrapped.pth.tar", new Hashtable { ["state_dict"] = new Hashtable { ["net"] = prefixed }, ["epoch"] = 7 });
        using EvcModel model = CheckpointLoader.LoadOfficial(path, EvcArchitecture.Get("EVC_SS"));
        Assert.Equal(WeightsFile.Hash(ModelFixture.EvcSs), WeightsFile.Hash(model));
    }

    [Fact]
    public void A_mask_decay_checkpoint_loads_its_student()
    {
        Hashtable official = Official();
        var pair = new Hashtable();
        foreach (DictionaryEntry e in official)
        {
            pair["student." + e.Key] = e.Value;
            pair["teacher." + e.Key] = ((Tensor)e.Value!) * 2;  // a different teacher must be ignored
        }
        string path = Save("mask-decay.pth.tar", pair);
        using EvcModel model = CheckpointLoader.LoadOfficial(path, EvcArchitecture.Get("EVC_SS"));
        Assert.Equal(WeightsFile.Hash(ModelFixture.EvcSs), WeightsFile.Hash(model));
    }

    [Fact]
    public void Missing_and_unexpected_keys_are_all_named()
    {
        Hashtable official = Official();
        official.Remove("q_basic");
        official["extra.weight"] = zeros(1);
        string path = Save("broken.pth.tar", official);
        var error = Assert.Throws<CheckpointMismatchException>(() => CheckpointLoader.LoadOfficial(path, EvcArchitecture.Get("EVC_SS")));
        Assert.Contains("missing q_basic [1,192,1,1]", error.Message);
        Assert.Contains("unexpected extra.weight", error.Message);
    }
}
