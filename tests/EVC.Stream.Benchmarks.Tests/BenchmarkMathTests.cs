namespace EVC.Stream.Benchmarks.Tests;

public sealed class BenchmarkMathTests
{
    [Fact]
    public void The_median_of_an_odd_count_is_the_middle_value_and_of_an_even_count_the_mean_of_the_middle_two()
    {
        Assert.Equal(3, BenchmarkMath.Median([5, 1, 3]));
        Assert.Equal(2.5, BenchmarkMath.Median([4, 1, 3, 2]));
    }

    [Fact]
    public void The_median_leaves_its_input_in_order()
    {
        double[] values = [3, 1, 2];
        BenchmarkMath.Median(values);
        Assert.Equal([3, 1, 2], values);
    }
}
