namespace EVC.Stream.Benchmarks.Tests;

public sealed class BenchmarkImagesTests
{
    [Fact]
    public void The_first_images_by_name_are_listed()
    {
        string[] all = BenchmarkImages.List(Path.Combine(EVC.Stream.Tests.Shared.TestPaths.Kit, "inputs"), null);
        string[] two = BenchmarkImages.List(Path.Combine(EVC.Stream.Tests.Shared.TestPaths.Kit, "inputs"), 2);
        Assert.Equal(all[..2], two);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
    }

    [Fact]
    public void A_missing_or_empty_folder_is_refused()
    {
        Assert.Throws<DirectoryNotFoundException>(() => BenchmarkImages.List("/nonexistent/images", null));
        string empty = Directory.CreateTempSubdirectory("evc-bench-images-").FullName;
        try
        {
            Assert.Contains("no PNG images", Assert.Throws<ArgumentException>(() => BenchmarkImages.List(empty, null)).Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
