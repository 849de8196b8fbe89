using EVC.Stream.Model.Models;
using EVC.Stream.Tests.Shared;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace EVC.Stream.Training.Tests;

[Collection(SharedTorchState.Name)]
public class TrainingTests(ITestOutputHelper output)
{
    private static string TrainFolder => TestPaths.TrainingImages;

    [Fact]
    public async Task The_loader_prefetches_reproducible_random_crops_with_rate_anchors()
    {
        await using var a = new ImageFolderLoader(TrainFolder, 64, 3, RateAnchorBalance.Uniform(4), seed: 11);
        await using var b = new ImageFolderLoader(TrainFolder, 64, 3, RateAnchorBalance.Uniform(4), seed: 11);
        Assert.True(a.ImageCount > 100);
        TrainingBatch first = await a.NextAsync(), again = await b.NextAsync(), second = await a.NextAsync();
        Assert.Equal(3 * 3 * 64 * 64, first.Pixels.Length);
        Assert.Equal(first.Pixels, again.Pixels);        // same seed, same batch
        Assert.NotEqual(first.Pixels, second.Pixels);    // and the next one differs
        Assert.All(first.RateIndexes, r => Assert.InRange(r, 0, 3));
        Assert.All(first.Pixels, v => Assert.InRange(v, 0f, 1f));
        await Task.Delay(200);
        Assert.True(a.Ready > 0, "the background task keeps batches ready");
    }

    [Fact]
    public async Task The_rd_loss_falls_over_a_few_dozen_steps()
    {
        set_num_threads(1);
        manual_seed(3);
        var model = new EvcModel(EvcArchitecture.Get("EVC_SS"));  // untrained: every step has a lot to learn
        model.train();
        var optimizer = optim.Adam(model.parameters(), lr: 3e-4);
        await using var loader = new ImageFolderLoader(TrainFolder, 64, 2, RateAnchorBalance.Uniform(4), seed: 5);
        var losses = new List<double>();
        for (int step = 0; step < 40; step++)
        {
            TrainingBatch batch = await loader.NextAsync();
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor x = tensor(batch.Pixels, new long[] { batch.Count, 3, batch.CropSize, batch.CropSize });
            VariableRateRdObjective.Result result = VariableRateRdObjective.Forward(model, x, batch.RateIndexes);
            result.Loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            optimizer.step();
            losses.Add(result.Loss.item<float>());
        }
        double early = losses.Take(5).Average(), late = losses.TakeLast(5).Average();
        output.WriteLine($"loss: first 5 steps {early:F3}, last 5 steps {late:F3}");
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(late < 0.8 * early, $"loss did not fall: {early:F3} → {late:F3}");
    }

    [Fact]
    public async Task Resuming_from_a_checkpoint_reproduces_the_uninterrupted_run()
    {
        set_num_threads(1);
        var options = new TrainingOptions { BatchSize = 2, CropSize = 64, TotalSteps = 100, Seed = 9 };
        string folder = Directory.CreateTempSubdirectory("evc-train-").FullName;
        try
        {
            manual_seed(7);
            await using (RdTrainer straight = RdTrainer.Start(new EvcModel(EvcArchitecture.Get("EVC_SS")), options, TrainFolder))
            {
                for (int i = 0; i < 4; i++)
                    await straight.StepAsync();
                string expected = Model.Checkpoints.WeightsFile.Hash(straight.Model);

                manual_seed(7);
                await using (RdTrainer first = RdTrainer.Start(new EvcModel(EvcArchitecture.Get("EVC_SS")), options, TrainFolder))
                {
                    for (int i = 0; i < 2; i++)
                        await first.StepAsync();
                    first.Save(folder);
                }
                manual_seed(12345);  // whatever state the new process has
                await using RdTrainer resumed = RdTrainer.Resume(folder, TrainFolder);
                Assert.Equal(2, resumed.Step);
                for (int i = 0; i < 2; i++)
                    await resumed.StepAsync();
                Assert.Equal(expected, Model.Checkpoints.WeightsFile.Hash(resumed.Model));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Straight_through_rounding_rounds_forward_and_passes_gradients_unchanged()
    {
        Tensor x = tensor(new float[] { 0.4f, 1.6f, -2.5f }).requires_grad_(true);
        Tensor y = VariableRateRdObjective.RoundStraightThrough(x);
        Assert.Equal(new float[] { 0, 2, -2 }, y.data<float>().ToArray());
        y.sum().backward();
        Assert.Equal(new float[] { 1, 1, 1 }, x.grad!.data<float>().ToArray());
    }
}
