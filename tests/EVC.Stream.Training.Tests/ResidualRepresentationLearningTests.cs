using EVC.Stream.Model.Models;
using static TorchSharp.torch;

namespace EVC.Stream.Training.Tests;

[Collection(SharedTorchState.Name)]
public class ResidualRepresentationLearningTests
{
    [Fact]
    public void A_level_trains_only_its_own_encoder_and_the_levels_combine_as_scalable_add()
    {
        set_num_threads(1);
        var students = new EvcModel[4];
        for (int i = 0; i < students.Length; i++)
        {
            manual_seed(100 + i);
            students[i] = new EvcModel(EvcArchitecture.Get("EVC_SS"));
        }
        using EvcModel scalable = ResidualRepresentationLearning.Assemble(EvcArchitecture.Get("Scale_EVC_SS"), students);
        var parameters = scalable.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var first = students[2].named_parameters().First(p => p.name.StartsWith("enc.", StringComparison.Ordinal));
        Assert.Equal(0f, (parameters["encs.2." + first.name[4..]] - first.parameter).abs().max().item<float>());

        using var scope = NewDisposeScope();
        Tensor x = rand(1, 3, 64, 64, generator: new Generator(3));
        scalable.train();
        VariableRateRdObjective.Result result = VariableRateRdObjective.Forward(scalable, x, [1], encoderLevel: 2);
        result.Loss.backward();
        double Gradient(string prefix) => scalable.named_parameters().Where(p => p.name.StartsWith(prefix, StringComparison.Ordinal))
            .Sum(p => p.parameter.grad is null ? 0 : p.parameter.grad.abs().sum().item<float>());
        Assert.Equal(0, Gradient("encs.0."));   // lower levels are detached: the residual is encoder 2's to learn
        Assert.Equal(0, Gradient("encs.1."));
        Assert.Equal(0, Gradient("encs.3."));   // not used at level 2
        Assert.True(Gradient("encs.2.") > 0);
        Assert.True(Gradient("dec.") > 0);      // the shared decoder learns every level

        using var noGrad = no_grad();
        scalable.eval();
        Tensor expected = (students[0].Analyse(x) + students[1].Analyse(x) + students[2].Analyse(x)) / 3;
        Assert.True((scalable.Analyse(x, 2) - expected).abs().max().item<float>() < 1e-5);
        foreach (EvcModel student in students)
            student.Dispose();
    }

    [Fact]
    public async Task A_training_step_moves_only_the_encoder_of_its_level()
    {
        set_num_threads(1);
        manual_seed(8);
        var options = new TrainingOptions { BatchSize = 1, CropSize = 64, TotalSteps = 100, Seed = 3 };
        string data = EVC.Stream.Tests.Shared.TestPaths.TrainingImages;
        await using RdTrainer trainer = RdTrainer.Start(new EvcModel(EvcArchitecture.Get("Scale_EVC_SS")), options, data);
        for (int step = 0; step < 3; step++)
        {
            var before = Snapshot(trainer.Model);
            int level = ResidualRepresentationLearning.LevelOfStep(options.Seed, trainer.Step, 4);
            (await trainer.StepAsync()).Loss.Dispose();
            var after = Snapshot(trainer.Model);
            for (int encoder = 0; encoder < 4; encoder++)
            {
                bool moved = before.Where(p => p.Key.StartsWith($"encs.{encoder}.", StringComparison.Ordinal)).Any(p => !p.Value.AsSpan().SequenceEqual(after[p.Key]));
                Assert.True(moved == (encoder == level), $"step {step}: encoder {encoder} {(moved ? "moved" : "stayed")} at level {level}");
            }
        }
    }

    private static Dictionary<string, float[]> Snapshot(EvcModel model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().cpu().data<float>().ToArray());

    [Fact]
    public void Levels_are_drawn_uniformly_and_reproducibly()
    {
        int[] counts = new int[4];
        for (long step = 0; step < 400; step++)
            counts[ResidualRepresentationLearning.LevelOfStep(7, step, 4)]++;
        Assert.All(counts, c => Assert.InRange(c, 60, 140));
        Assert.Equal(ResidualRepresentationLearning.LevelOfStep(7, 123, 4), ResidualRepresentationLearning.LevelOfStep(7, 123, 4));
    }
}
