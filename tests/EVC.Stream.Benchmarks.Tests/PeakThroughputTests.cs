using EVC.Stream.Model.Checkpoints;

namespace EVC.Stream.Benchmarks.Tests;

/// <summary>The peak multiply-add microbenchmark runs and reports rates (no timing is asserted: the machine is shared).</summary>
public sealed class PeakThroughputTests
{
    [Fact]
    public void A_tiny_peak_measurement_reports_positive_finite_rates()
    {
        PeakThroughputResult peak = PeakThroughput.Measure(ComputeDevice.Cpu, threads: 1, matrixSize: 64, repeats: 1);
        Assert.Equal("cpu", peak.Device);
        Assert.Equal(1, peak.Threads);
        Assert.Equal(64, peak.MatrixSize);
        AssertRate(peak.Float32GmacPerSecond);
        if (peak.Bfloat16GmacPerSecond is double bf16)
            AssertRate(bf16);
        if (peak.VectorFloat32GmacPerSecond is double loop)
        {
            AssertRate(loop);
            Assert.Contains(peak.VectorBits, new int?[] { 256, 512 });
        }
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PeakThroughput.Measure(ComputeDevice.Cpu, threads: 0, matrixSize: 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => PeakThroughput.Measure(ComputeDevice.Cpu, threads: 1, matrixSize: 0));
    }

    private static void AssertRate(double gmacPerSecond) => Assert.True(double.IsFinite(gmacPerSecond) && gmacPerSecond > 0, $"{gmacPerSecond} GMAC/s");
}
