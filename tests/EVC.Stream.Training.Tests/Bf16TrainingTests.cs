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
    public void Data_parallel_workers_leave_the_gradient_of_the_batch_mean_on_the_master()
    {
        set_num_threads(1);
        manual_seed(11);
        using var master = new EvcModel(EvcArchitecture.Get("EVC_SS"));
        master.train();
        using var scope = NewDisposeScope();
        Tensor x = rand(4, 3, 64, 64);
        int[] rates = [0, 3, 1, 2];
        const int noiseSeed = 1234;
        using var parallel = new DataParallelStep(master, workers: 2);
        VariableRateRdObjective.Result result = parallel.Run(x, rates, -1, noiseSeed);
        Dictionary<string, Tensor> gradients = master.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());

        // The same shares one after the other on one shadow, with the workers' noise generators.
        foreach (var parameter in master.parameters())
            parameter.grad = null;
        using var shadow = new Bf16Shadow(master);
        using var layout = parallel.ChannelsLast ? ChannelsLastActivations.Attach(shadow.Model) : null;  // the workers' layout, the same sums
        var expected = master.named_parameters().ToDictionary(p => p.name, p => zeros_like(p.parameter));
        double loss = 0;
        for (int worker = 0; worker < 2; worker++)
        {
            shadow.Refresh();
            using var noise = new Generator(unchecked((ulong)noiseSeed * 0x9E3779B97F4A7C15UL + (ulong)worker));
            VariableRateRdObjective.Result share = VariableRateRdObjective.Forward(shadow.Model, x.narrow(0, worker * 2, 2), rates[(worker * 2)..(worker * 2 + 2)], -1, Bf16Shadow.Bf16, noise);
            (share.Loss * 0.5).backward();
            loss += share.Loss.item<float>() / 2;
            shadow.TransferGradients();
            foreach (var (name, parameter) in master.named_parameters())
                expected[name].add_(parameter.grad!);
        }
        Assert.Equal(loss, result.Loss.item<float>(), 1e-4 * Math.Abs(loss));
        foreach (var (name, gradient) in gradients)
        {
            double scale = Math.Max(expected[name].abs().max().item<float>(), 1e-12);
            double difference = (gradient - expected[name]).abs().max().item<float>();
            Assert.True(difference <= 1e-2 * scale, $"{name}: the workers' gradient is {difference / scale:E2} of its largest value off the shares' sum");
        }
    }

    [Fact]
    public async Task A_data_parallel_run_trains_and_resumes_its_noise_exactly()
    {
        set_num_threads(1);
        var options = new TrainingOptions { BatchSize = 2, CropSize = 64, TotalSteps = 20, LearningRate = 3e-4, Precision = Precision.Bf16, Workers = 2 };
        manual_seed(9);
        var model = new EvcModel(EvcArchitecture.Get("EVC_SS"));
        await using RdTrainer trainer = RdTrainer.Start(model, options, TestPaths.TrainingImages);
        var losses = new List<double>();
        for (int step = 0; step < 20; step++)
        {
            VariableRateRdObjective.Result result = trainer.TrainStep();
            losses.Add(result.Loss.item<float>());
            result.Loss.Dispose();
        }
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(losses.TakeLast(5).Average() < losses.Take(5).Average(), $"loss did not fall: {string.Join(", ", losses.Select(l => l.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.Throws<ArgumentException>(() => RdTrainer.Start(new EvcModel(EvcArchitecture.Get("EVC_SS")), options with { BatchSize = 3 }, TestPaths.TrainingImages));
        Assert.Throws<NotSupportedException>(() => RdTrainer.Start(new EvcModel(EvcArchitecture.Get("EVC_SS")), options with { Precision = Precision.Fp32 }, TestPaths.TrainingImages));
    }

    [Fact]
    public void Bf16_training_refuses_mask_decay()
    {
        using var model = new EvcModel(EvcArchitecture.Get("EVC_SS"));
        var options = new TrainingOptions { Precision = Precision.Bf16, Student = "EVC_SS" };
        Assert.Throws<NotSupportedException>(() => RdTrainer.Start(model, options, TestPaths.TrainingImages));
    }
}
