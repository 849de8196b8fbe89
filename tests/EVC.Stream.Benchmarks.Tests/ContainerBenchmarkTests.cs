namespace EVC.Stream.Benchmarks.Tests;

public sealed class ContainerBenchmarkTests
{
    [Fact]
    public void Both_media_are_measured()
    {
        ContainerBenchmarkResult result = ContainerBenchmark.Run(new ContainerBenchmarkOptions { Frames = 20, PayloadBytes = 1000, Repeat = 1, PinToOneCore = false }, null, CancellationToken.None);
        Assert.False(result.Pinned);
        Assert.Equal(["memory", "file"], result.Media.Select(m => m.Medium));
        Assert.All(result.Media, m => Assert.True(m.MuxDemuxFps > 0 && m.RatioToTarget > 0));
    }

    [Fact]
    public void A_missing_folder_for_the_temporary_file_is_refused()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() =>
            ContainerBenchmark.Run(new ContainerBenchmarkOptions { Directory = "/nonexistent/evc-bench" }, null, CancellationToken.None));
        Assert.Contains("/nonexistent/evc-bench", error.Message);
    }
}
