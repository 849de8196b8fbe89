namespace EVC.Stream.Training.Tests;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Warmup_ramps_linearly_then_the_schedule_decays()
    {
        var options = new TrainingOptions { LearningRate = 1e-4, TotalSteps = 1000, WarmupSteps = 100 };
        Assert.Equal(1e-6, options.LearningRateAt(0), 12);
        Assert.Equal(5e-5, options.LearningRateAt(49), 12);
        Assert.Equal(1e-4, options.LearningRateAt(99), 12);
        Assert.Equal(1e-4, options.LearningRateAt(500), 12);
        Assert.Equal(1e-5, options.LearningRateAt(800), 12);
        Assert.Equal(1e-6, options.LearningRateAt(950), 12);
    }

    [Fact]
    public void Without_warmup_the_first_step_runs_at_the_full_rate()
    {
        var options = new TrainingOptions { LearningRate = 3e-5, TotalSteps = 10 };
        Assert.Equal(3e-5, options.LearningRateAt(0), 12);
    }
}
