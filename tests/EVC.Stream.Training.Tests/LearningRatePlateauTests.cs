using EVC.Stream.Model.Models;
using EVC.Stream.Tests.Shared;
using static TorchSharp.torch;

namespace EVC.Stream.Training.Tests;

/// <summary>The plateau schedule: cuts on stalled validations, its cost, and its state across checkpoints.</summary>
[Collection(SharedTorchState.Name)]
public sealed class LearningRatePlateauTests
{
    private static ValidationPoint[] Points(double psnr, double bpp) =>
        [.. Enumerable.Range(0, QScale.AnchorCount).Select(rate => new ValidationPoint(null, rate, 1.0, bpp, psnr, 4))];

    [Fact]
    public void The_cost_is_the_mean_rd_cost_of_the_anchors()
    {
        // PSNR 30 dB is an MSE of 1e-3 on [0, 1] pixels.
        double expected = QScale.AnchorLambdas.Average(lambda => lambda * 255 * 255 * 1e-3 + 0.5);
        Assert.Equal(expected, LearningRatePlateau.Cost(Points(30, 0.5)), 9);
    }

    [Fact]
    public void Improvements_keep_the_rate_and_stalls_halve_it_down_to_the_floor()
    {
        var plateau = new LearningRatePlateau().Observe(2.0).Observe(1.9);
        Assert.Equal(1, plateau.Scale);
        Assert.Equal(1.9, plateau.Best);
        plateau = plateau.Observe(1.9 * (1 - LearningRatePlateau.Threshold / 2));  // less than the threshold: a stall
        Assert.Equal(LearningRatePlateau.Factor, plateau.Scale);
        for (int i = 0; i < 20; i++)
            plateau = plateau.Observe(5.0);
        Assert.Equal(LearningRatePlateau.MinimumScale, plateau.Scale);
        Assert.Throws<ArgumentOutOfRangeException>(() => plateau.Observe(double.NaN));
    }

    [Fact]
    public async Task The_schedule_and_rate_weights_travel_with_checkpoints()
    {
        set_num_threads(1);
        var options = new TrainingOptions
        {
            BatchSize = 1, CropSize = 64, TotalSteps = 10, LearningRate = 1e-4,
            Schedule = LearningRateSchedule.Plateau, RateWeights = [0, 1, 1, 0],
        };
        string folder = Directory.CreateTempSubdirectory("evc-plateau-").FullName;
        try
        {
            await using (RdTrainer trainer = RdTrainer.Start(new EvcModel(EvcArchitecture.Get("EVC_SS")), options, TestPaths.TrainingImages))
            {
                Assert.False(trainer.ObserveValidation(Points(30, 0.5)));
                Assert.True(trainer.ObserveValidation(Points(29, 0.5)));
                Assert.Equal(5e-5, trainer.LearningRate, 12);
                await trainer.StepAsync();
                trainer.Save(folder);
            }
            await using RdTrainer resumed = RdTrainer.Resume(folder, TestPaths.TrainingImages);
            Assert.Equal(LearningRateSchedule.Plateau, resumed.Options.Schedule);
            Assert.Equal([0.0, 1, 1, 0], resumed.Options.RateWeights!);
            Assert.Equal(0.5, resumed.Plateau.Scale);
            Assert.Equal(LearningRatePlateau.Cost(Points(30, 0.5)), resumed.Plateau.Best, 12);
            Assert.Equal(5e-5, resumed.LearningRate, 12);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_step_schedule_ignores_validations()
    {
        var options = new TrainingOptions { TotalSteps = 100, LearningRate = 1e-4 };
        Assert.Equal(1e-5, options.LearningRateAt(80), 12);
        Assert.Equal(1e-4, (options with { Schedule = LearningRateSchedule.Plateau }).LearningRateAt(99), 12);
    }
}
