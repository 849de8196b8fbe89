using EVC.Stream.Tests.Shared;

namespace EVC.Stream.Training.Tests;

/// <summary>Rate-anchor balance: which anchors training samples are coded at.</summary>
public sealed class RateAnchorBalanceTests
{
    [Fact]
    public void Uniform_draws_the_anchor_stream_of_runs_made_before_the_balance()
    {
        var balance = RateAnchorBalance.FromWeights(4, [1, 1, 1, 1]);
        Assert.True(balance.IsUniform);
        Random a = new(5), b = new(5);
        for (int i = 0; i < 1000; i++)
            Assert.Equal(b.Next(4), balance.Draw(a));
    }

    [Fact]
    public void Weights_set_the_frequency_of_each_anchor()
    {
        var balance = RateAnchorBalance.FromWeights(4, [1, 1, 2, 2]);
        Assert.False(balance.IsUniform);
        var counts = new int[4];
        var random = new Random(3);
        const int draws = 60_000;
        for (int i = 0; i < draws; i++)
            counts[balance.Draw(random)]++;
        double[] expected = [1 / 6.0, 1 / 6.0, 1 / 3.0, 1 / 3.0];
        for (int rate = 0; rate < 4; rate++)
        {
            Assert.Equal(expected[rate], balance.Probability(rate), 12);
            Assert.InRange(counts[rate] / (double)draws, expected[rate] - 0.01, expected[rate] + 0.01);
        }
    }

    [Fact]
    public async Task The_loader_codes_every_sample_at_the_only_weighted_anchor()
    {
        await using var loader = new ImageFolderLoader(TestPaths.TrainingImages, 64, 4, RateAnchorBalance.FromWeights(4, [0, 0, 0, 1]), seed: 2);
        for (int i = 0; i < 3; i++)
        {
            TrainingBatch batch = await loader.NextAsync();
            Assert.All(batch.RateIndexes, rate => Assert.Equal(3, rate));
            loader.Return(batch);
        }
    }

    [Theory]
    [InlineData(new double[] { 1, 1, 2 })]
    [InlineData(new double[] { 1, -1, 2, 2 })]
    [InlineData(new double[] { 0, 0, 0, 0 })]
    [InlineData(new double[] { 1, double.NaN, 1, 1 })]
    public void Bad_weights_are_refused(double[] weights) =>
        Assert.Throws<ArgumentException>(() => RateAnchorBalance.FromWeights(4, weights));
}
