using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Tests.Shared;
using Xunit.Abstractions;

namespace EVC.Stream.Training.Tests;

/// <summary>
/// tools/pytorch/train_default.py, the default model's trainer for a lent GPU: its model must stay the official one and
/// what it exports must load into ours unchanged. Runs Debian's python3-torch on the CPU (tools/bootstrap.sh installs it).
/// </summary>
[Collection(SharedTorchState.Name)]
public class PyTorchTrainerTests(ITestOutputHelper output)
{
    private static string Script(string name) => Path.Combine(TestPaths.RepositoryRoot, "tools", "pytorch", name);

    private static readonly Dictionary<string, string> s_oneThread = new() { ["OMP_NUM_THREADS"] = "1" };

    private (int ExitCode, string Output) Python(params string[] arguments)
    {
        (int code, string text) = ChildProcess.Run("/usr/bin/python3", arguments, TimeSpan.FromMinutes(20), environment: s_oneThread);
        output.WriteLine(text);
        return (code, text);
    }

    [Fact]
    public void Its_model_reproduces_the_official_tensors()
    {
        (int code, string text) = Python(Script("train_default.py"), "--check", TestPaths.Kit);
        Assert.Equal(0, code);
        Assert.Contains("check: passed", text);
        Assert.Contains("ss_kodim01_r0 recon: 0 of 1179648 samples differ", text);
    }

    [Fact]
    public void Its_export_of_the_default_model_loads_into_ours_with_the_same_weights()
    {
        string folder = Directory.CreateTempSubdirectory("evc-pytorch-").FullName;
        try
        {
            string val = Directory.CreateDirectory(Path.Combine(folder, "val")).FullName;
            File.Copy(Path.Combine(TestPaths.Kit, "inputs", "kodim08_crop97x61.png"), Path.Combine(val, "a.png"));
            string weights = Path.Combine(TestPaths.RepositoryRoot, "models", "default.safetensors");
            string run = Path.Combine(folder, "run");
            // --max-steps 0: no step, so the exported halves must hold exactly the weights it started from.
            (int code, string text) = Python(Script("train_default.py"), "--init", weights, "--data", TestPaths.TrainingImages,
                "--val", val, "--out", run, "--device", "cpu", "--crop", "64", "--batch", "4", "--max-steps", "0", "--budget", "300");
            Assert.Equal(0, code);
            Assert.Contains("\"event\": \"end\"", text);
            string merged = Path.Combine(folder, "last.safetensors");
            (code, _) = Python(Script("merge_safetensors.py"), Path.Combine(run, "last-1.safetensors"), Path.Combine(run, "last-2.safetensors"), "-o", merged);
            Assert.Equal(0, code);
            Assert.True(new FileInfo(Path.Combine(run, "last-1.safetensors")).Length < 16 << 20, "each half stays under the device's 16 MiB");
            using var exported = WeightsFile.Load(merged, "EVC_SS");
            using var shipped = WeightsFile.Load(weights, null);
            Assert.Equal(WeightsFile.Hash(shipped), WeightsFile.Hash(exported));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
