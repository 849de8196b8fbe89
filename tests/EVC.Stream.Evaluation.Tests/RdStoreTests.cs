namespace EVC.Stream.Evaluation.Tests;

public sealed class RdStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-rdstore-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static RdRecord Record(string image, string codec, string setting, double bpp, double psnr) =>
        new(image, 200, 200, codec, setting, 1, (long)(bpp * 40000 / 8), bpp, psnr, psnr, psnr, psnr, psnr, 0.95, 0.1, 0.1);

    [Fact]
    public void An_interrupted_run_keeps_its_finished_records_and_ignores_a_torn_line()
    {
        string path = Path.Combine(_directory, "results.jsonl");
        var store = new RdStore(path);
        store.Add(Record("a.png", "jpeg", "q 2", 1.5, 38));
        store.Add(Record("a.png", "jpeg", "q 8", 0.8, 33));
        File.AppendAllText(path, "{\"image\":\"a.png\",\"codec\":\"jp");  // killed mid-write

        var reopened = new RdStore(path);
        Assert.Equal(2, reopened.Records.Count);
        Assert.True(reopened.Contains("a.png", "jpeg", "q 8"));
        Assert.False(reopened.Contains("a.png", "jpeg", "q 12"));
    }

    [Fact]
    public void Curves_average_over_images_and_skip_settings_not_done_everywhere()
    {
        RdRecord[] records =
        [
            Record("a.png", "x", "s1", 1.0, 30), Record("b.png", "x", "s1", 2.0, 34),
            Record("a.png", "x", "s2", 0.5, 28),  // b.png not done yet
        ];
        var curves = RdStore.Curves(records, new HashSet<string> { "a.png", "b.png" });
        RdCurvePoint point = Assert.Single(curves["x"]);
        Assert.Equal((1.5, 32.0), (point.Bpp, point.RgbPsnr));
    }
}

public sealed class RdStoreCompactionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-rdstore-compact-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Compaction_keeps_one_line_per_coding()
    {
        string path = Path.Combine(_directory, "results.jsonl");
        var record = new RdRecord("a.png", 200, 200, "jpeg", "q 2", 2, 1000, 0.2, 30, 30, 30, 30, 30, 0.9, 0.1, 0.1);
        new RdStore(path).Add(record);
        new RdStore(path).Add(record);  // a second run appended the same coding again
        Assert.Equal(2, File.ReadAllLines(path).Length);
        var store = new RdStore(path);
        store.Compact();
        Assert.Single(File.ReadAllLines(path));
        Assert.Single(new RdStore(path).Records);
    }
}
