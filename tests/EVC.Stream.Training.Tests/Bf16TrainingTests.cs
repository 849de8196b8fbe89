using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using EVC.Stream.Tests.Shared;
using static TorchSharp.torch;

namespace EVC.Stream.Training.Tests;

[Collection(SharedTorchState.Name)]
public class Bf16TrainingTests
{
    [Fact]
    public void The_shadow_computes_in_bf16_and_hands_float32_gradients_to_the_master()
    {
        set_num_threads(1);
        manual_seed(7);
        using var master = new EvcModel(EvcArchitecture.Get("EVC_SS"));
        master.train();
        using var shadow = new Bf16Shadow(master);
        Dictionary<string, Tensor> state = shadow.Model.state_dict();
        Assert.Equal(ScalarType.BFloat16, state["enc.6.weight"].dtype);
        Assert.Equal(ScalarType.BFloat16, state["y_spatial_prior.0.block.0.conv1.0.weight"].dtype);
        Assert.Equal(ScalarType.Float32, state["q_scale"].dtype);  // rate anchors stay float32
        string lastSynthesis = state.Keys.Where(k => k.StartsWith("dec.", StringComparison.Ordinal)).Last();
        Assert.Equal(ScalarType.Float32, state[lastSynthesis].dtype);  // the pixels are not rounded to bf16

        using var scope = NewDisposeScope();
        manual_seed(8);
        Tensor x = rand(2, 3, 64, 64);
        shadow.Refresh();
        VariableRateRdObjective.Result mixed = VariableRateRdObjective.Forward(shadow.Model, x, [0, 3], networkType: Bf16Shadow.Bf16);
        mixed.Loss.backward();
        shadow.TransferGradients();
        VariableRateRdObjective.Result full = VariableRateRdObjective.Forward(master, x, [0, 3]);
        // Same weights, same noise seed: the losses agree to bf16's precision, not exactly.
        Assert.InRange(mixed.Bpp / full.Bpp, 0.97, 1.03);
        Assert.InRange(Math.Abs(mixed.Psnr - full.Psnr), 0, 0.2);
        foreach (var (name, parameter) in master.named_parameters())
        {
            Tensor? gradient = parameter.grad;
            Assert.True(gradient is not null, $"{name} got no gradient");
            Assert.Equal(ScalarType.Float32, gradient!.dtype);
            Assert.Equal(parameter.shape, gradient.shape);
        }
        Assert.True(master.named_parameters().First(p => p.name == "enc.6.weight").parameter.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public async Task A_bf16_run_trains_its_float32_master_weights()
    {
        set_num_threads(1);
        manual_seed(9);
        var model = new EvcModel(EvcArchitecture.Get("EVC_SS"));
        var options = new TrainingOptions { BatchSize = 2, CropSize = 64, TotalSteps = 20, LearningRate = 3e-4, Precision = Precision.Bf16 };
        await using RdTrainer trainer = RdTrainer.Start(model, options, TestPaths.TrainingImages);
        using Tensor before = model.state_dict()["enc.6.weight"].clone();
        var losses = new List<double>();
        for (int step = 0; step < 20; step++)
        {
            VariableRateRdObjective.Result result = trainer.TrainStep();
            losses.Add(result.Loss.item<float>());
            result.Loss.Dispose();
        }
        Assert.Equal(ScalarType.Float32, model.state_dict()["enc.6.weight"].dtype);
        Assert.True((model.state_dict()["enc.6.weight"] - before).abs().max().item<float>() > 0, "the master weights did not move");
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(losses.TakeLast(5).Average() < losses.Take(5).Average(), $"loss did not fall: {string.Join(", ", losses.Select(l => l.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public void Bf16_training_refuses_mask_decay()
    {
        using var model = new EvcModel(EvcArchitecture.Get("EVC_SS"));
        var options = new TrainingOptions { Precision = Precision.Bf16, Student = "EVC_SS" };
        Assert.Throws<NotSupportedException>(() => RdTrainer.Start(model, options, TestPaths.TrainingImages));
    }
}
