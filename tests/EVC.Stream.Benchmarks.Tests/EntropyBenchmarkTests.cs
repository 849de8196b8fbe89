namespace EVC.Stream.Benchmarks.Tests;

/// <summary>The entropy benchmark on a small synthetic latent: it round-trips, and our payload equals the official algorithm's.</summary>
public sealed class EntropyBenchmarkTests
{
    [Fact]
    public void A_synthetic_latent_is_coded_like_the_official_algorithm_with_every_figure_positive()
    {
        FrameLatent latent = FrameLatent.Synthetic(128, 128, seed: 1);
        Assert.Equal(192 * 2 * 2 + 2 * 96 * 8 * 8, latent.SymbolCount);
        EntropyProfileResult result = EntropyBenchmark.Run("synthetic", latent, repetitions: 1, threads: 1, official: null, kitReadme: null);
        Assert.True(result.PayloadEqualsReferencePort);
        Assert.True(result.Ours.EncodeMsymPerSecond > 0 && result.Ours.DecodeMsymPerSecond > 0);
        Assert.True(result.ParallelEncodeMsymPerSecond > 0);
        Assert.Null(result.EncodeRatioVsOfficial);
    }

    [Fact]
    public void Run_all_measures_the_kits_two_profiles_and_saves_their_payloads()
    {
        string payloads = Directory.CreateTempSubdirectory("evc-entropy-bench-").FullName;
        try
        {
            var messages = new List<string>();
            List<EntropyProfileResult> results = EntropyBenchmark.RunAll(new EntropyBenchmarkOptions
            {
                Width = 128,
                Height = 128,
                Repeat = 1,
                Threads = 1,
                Kit = EVC.Stream.Tests.Shared.TestPaths.Kit,
                SavePayloads = payloads,
            }, new ListProgress(messages), CancellationToken.None);
            Assert.Equal(["low-rate", "high-rate"], results.Select(r => r.Profile));
            Assert.All(results, r => Assert.True(r.PayloadEqualsReferencePort));
            Assert.NotNull(results[0].Official);
            Assert.Equal(2, Directory.GetFiles(payloads, "*.stream").Length);
            Assert.Contains("low-rate: our coder, single thread", messages);
        }
        finally
        {
            Directory.Delete(payloads, recursive: true);
        }
    }

    private sealed class ListProgress(List<string> messages) : IProgress<string>
    {
        public void Report(string value) => messages.Add(value);
    }
}
