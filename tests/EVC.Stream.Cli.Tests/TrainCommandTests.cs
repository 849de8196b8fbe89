namespace EVC.Stream.Cli.Tests;

/// <summary><c>train</c>: a tiny run writes a resumable checkpoint and validates by real coding.</summary>
[Collection("Console")]
public sealed class TrainCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-train-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A validation folder with one small kit image (fast real coding).</summary>
    private string ValidationFolder()
    {
        string val = Path.Combine(_directory, "val");
        Directory.CreateDirectory(val);
        File.Copy(Path.Combine(EVC.Stream.Tests.Shared.TestPaths.Kit, "inputs", "kodim08_crop97x61.png"), Path.Combine(val, "a.png"), overwrite: true);
        return val;
    }

    [Fact]
    public void A_tiny_run_checkpoints_validates_and_resumes()
    {
        string val = ValidationFolder();
        string output = Path.Combine(_directory, "run");
        (int code, string stdout, string error) = CliRunner.Run("train", "--steps", "3", "--batch", "1", "--crop", "64", "--save-every", "2",
            "--val", val, "--val-every", "0", "--threads", "1", "-o", output);
        Assert.True(code == 0, error + stdout);
        foreach (string file in new[] { "model.safetensors", "adam.bin", "state.json", "log.jsonl" })
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} missing");
        Assert.Contains("\"Step\": 3", File.ReadAllText(Path.Combine(output, "state.json")));
        Assert.Contains("\"validation\"", File.ReadAllText(Path.Combine(output, "log.jsonl")));

        // The same folder again without --resume is refused; with --resume the run is picked up where it stopped.
        Assert.Contains("--resume", CliRunner.AssertOneLineError("train", "--steps", "3", "-o", output));
        (code, stdout, error) = CliRunner.Run("train", "-o", output, "--resume", "--val", val, "--threads", "1");
        Assert.True(code == 0, error);
        Assert.Contains("step 3 of 3", stdout);
    }

    [Fact]
    public void A_plateau_run_validates_each_step_once_and_keeps_its_schedule()
    {
        string val = ValidationFolder();
        string output = Path.Combine(_directory, "plateau");
        (int code, string stdout, string error) = CliRunner.Run("train", "--steps", "2", "--batch", "1", "--crop", "64", "--lr-schedule", "plateau",
            "--rate-weights", "0,0,1,1", "--val", val, "--val-every", "1", "--threads", "1", "-o", output);
        Assert.True(code == 0, error + stdout);
        string[] validations = [.. File.ReadLines(Path.Combine(output, "log.jsonl")).Where(line => line.Contains("\"validation\"", StringComparison.Ordinal))];
        Assert.Equal(2, validations.Length);  // steps 1 and 2; the end of the run does not validate step 2 again
        string state = File.ReadAllText(Path.Combine(output, "state.json"));
        Assert.Contains("\"Schedule\": 1", state);
        Assert.Contains("\"scale\"", state);
        Assert.Contains("\"RateWeights\": [", state);
    }

    [Fact]
    public void A_scalable_run_validates_every_encoder_level()
    {
        string val = ValidationFolder();
        string output = Path.Combine(_directory, "rrl");
        (int code, string stdout, string error) = CliRunner.Run("train", "--arch", "Scale_EVC_SS", "--steps", "2", "--batch", "1", "--crop", "64",
            "--val", val, "--val-every", "0", "--threads", "1", "-o", output);
        Assert.True(code == 0, error + stdout);
        string validation = File.ReadLines(Path.Combine(output, "log.jsonl")).Last(line => line.Contains("\"validation\"", StringComparison.Ordinal));
        for (int level = 0; level < 4; level++)
            Assert.Contains($"{{\"level\":{level},\"rate\":3,", validation);
    }
}

public sealed class ModelDefaultsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-defaults-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_shipped_default_model_is_found_above_the_start_folder_and_absent_means_none()
    {
        string deep = Directory.CreateDirectory(Path.Combine(_directory, "a", "b", "c")).FullName;
        Assert.Null(EVC.Stream.Model.Checkpoints.EvcModelLoader.FindShipped(deep));
        Directory.CreateDirectory(Path.Combine(_directory, "models"));
        string model = Path.Combine(_directory, "models", "default.safetensors");
        File.WriteAllBytes(model, [0]);
        Assert.Equal(model, EVC.Stream.Model.Checkpoints.EvcModelLoader.FindShipped(deep));
    }
}

/// <summary><c>bench train</c>: rounds of timed steps, a JSON report, and clear errors for bad settings.</summary>
[Collection("Console")]
public sealed class TrainBenchCommandTests
{
    [Fact]
    public void Rounds_of_timed_steps_are_reported_as_json()
    {
        (int code, string stdout, string error) = CliRunner.Run("bench", "train", "--pytorch", "off", "--steps", "1", "--rounds", "2", "--crop", "64", "--threads", "1", "--json");
        Assert.True(code == 0, error + stdout);
        using var report = System.Text.Json.JsonDocument.Parse(stdout[stdout.IndexOf('{', StringComparison.Ordinal)..]);
        Assert.Equal(2, report.RootElement.GetProperty("rounds").GetInt32());
        Assert.Equal(2, report.RootElement.GetProperty("steps").GetInt32());
        Assert.False(report.RootElement.GetProperty("pytorch_measured_side_by_side").GetBoolean());
        Assert.True(report.RootElement.GetProperty("median_step_seconds").GetDouble() > 0);
    }

    [Fact]
    public void Both_precisions_are_timed_in_turn_with_bf16s_speed_up()
    {
        (int code, string stdout, string error) = CliRunner.Run("bench", "train", "--pytorch", "off", "--steps", "1", "--rounds", "2", "--crop", "64",
            "--threads", "1", "--precision", "both", "--workers", "2", "--batch", "2", "--json");
        Assert.True(code == 0, error + stdout);
        using var report = System.Text.Json.JsonDocument.Parse(stdout[stdout.IndexOf('{', StringComparison.Ordinal)..]);
        Assert.Equal(2, report.RootElement.GetProperty("bf16_step_seconds").GetArrayLength());
        Assert.True(report.RootElement.GetProperty("bf16_speedup").GetDouble() > 0);
        Assert.Equal(2, report.RootElement.GetProperty("workers_step_seconds").GetArrayLength());
        Assert.True(report.RootElement.GetProperty("workers_speedup").GetDouble() > 0);
    }

    [Fact]
    public void Bad_settings_are_one_line_errors()
    {
        Assert.Contains("--rounds", CliRunner.AssertOneLineError("bench", "train", "--rounds", "0"));
        Assert.Contains("--crop", CliRunner.AssertOneLineError("bench", "train", "--crop", "100"));
        Assert.Contains("--precision", CliRunner.AssertOneLineError("bench", "train", "--precision", "fp16"));
        Assert.Contains("--precision", CliRunner.AssertOneLineError("train", "--precision", "bf16", "--init", "x.safetensors", "--student", "EVC_SS"));
        Assert.Contains("--warmup", CliRunner.AssertOneLineError("train", "--warmup", "-1"));
        Assert.Contains("--augment", CliRunner.AssertOneLineError("train", "--augment", "rotate"));
        Assert.Contains("--workers", CliRunner.AssertOneLineError("train", "--workers", "2", "--precision", "fp32"));
        Assert.Contains("--precision", CliRunner.AssertOneLineError("train", "--precision", "fp16"));
        Assert.Contains("--workers", CliRunner.AssertOneLineError("train", "--workers", "2", "--precision", "bf16", "--batch", "3"));
        Assert.Contains("--workers", CliRunner.AssertOneLineError("bench", "train", "--workers", "0"));
        Assert.Contains("--augment", CliRunner.AssertOneLineError("train", "--augment", "dihedral", "--resume"));
        Assert.Contains("--lr-schedule", CliRunner.AssertOneLineError("train", "--lr-schedule", "cosine"));
        Assert.Contains("--val-every", CliRunner.AssertOneLineError("train", "--lr-schedule", "plateau", "--val-every", "0"));
        Assert.Contains("--lr-schedule", CliRunner.AssertOneLineError("train", "--lr-schedule", "plateau", "--resume"));
        Assert.Contains("--rate-weights", CliRunner.AssertOneLineError("train", "--rate-weights", "1,1,2"));
        Assert.Contains("--rate-weights", CliRunner.AssertOneLineError("train", "--rate-weights", "1,x,2,2"));
        Assert.Contains("--rate-weights", CliRunner.AssertOneLineError("train", "--rate-weights", "0,0,0,0"));
        Assert.Contains("--rate-weights", CliRunner.AssertOneLineError("train", "--rate-weights", "1,1,2,2", "--resume"));
    }

    [Fact]
    public void Precision_auto_is_the_default_and_means_bf16_where_the_cpu_has_it_except_for_mask_decay()
    {
        var plain = new Commands.TrainCommand.Settings();
        Assert.Equal("auto", plain.Precision);
        Assert.Equal(Model.Checkpoints.PrecisionChoice.CpuHasBf16 ? "bf16" : "fp32", plain.EffectivePrecision);
        Assert.Equal("fp32", new Commands.TrainCommand.Settings { Student = "EVC_SS" }.EffectivePrecision);
        Assert.Equal("fp32", new Commands.TrainCommand.Settings { Precision = "fp32" }.EffectivePrecision);
        Assert.Equal(Model.Checkpoints.PrecisionChoice.CpuHasBf16, new Commands.TrainCommand.Settings { Workers = 2, Batch = 2 }.Validate().Successful);
    }
}
