namespace EVC.Stream.Pipeline.Tests;

/// <summary><see cref="CaptureOptions"/> and <see cref="CaptureSessionOptions"/> reject bad values when set, naming the option.</summary>
public sealed class CaptureOptionsTests
{
    [Fact]
    public void Capture_options_fail_at_construction_naming_the_option()
    {
        Assert.Equal("BatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new CaptureOptions { BatchSize = 0 }).ParamName);
        Assert.Equal("EntropyWorkers", Assert.Throws<ArgumentOutOfRangeException>(() => new CaptureOptions { EntropyWorkers = 0 }).ParamName);
        Assert.Equal("CaptureQueue", Assert.Throws<ArgumentOutOfRangeException>(() => new CaptureOptions { CaptureQueue = 0 }).ParamName);
        Assert.Equal("EncoderLevel", Assert.Throws<ArgumentOutOfRangeException>(() => new CaptureOptions { EncoderLevel = -2 }).ParamName);
        Assert.Equal("ExtraModelDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new CaptureOptions { ExtraModelDelay = TimeSpan.FromSeconds(-1) }).ParamName);
        Assert.Equal("Rate", Assert.Throws<ArgumentNullException>(() => new CaptureOptions { Rate = null! }).ParamName);
        var valid = new CaptureOptions { BatchSize = 2, EntropyWorkers = 1, CaptureQueue = 1, EncoderLevel = 0 };
        Assert.Equal(2, valid.BatchSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => valid with { BatchSize = -1 });
    }

    [Fact]
    public void Capture_session_options_fail_at_construction_naming_the_option()
    {
        var source = new Media.Video.VideoSourceOptions();
        Assert.Equal("BatchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new CaptureSessionOptions { Source = source, BatchSize = 0 }).ParamName);
        Assert.Equal("Threads", Assert.Throws<ArgumentOutOfRangeException>(() => new CaptureSessionOptions { Source = source, Threads = 0 }).ParamName);
        Assert.Equal("TargetBitrate", Assert.Throws<ArgumentOutOfRangeException>(() => new CaptureSessionOptions { Source = source, TargetBitrate = -1 }).ParamName);
        Assert.Equal("EntropyWorkers", Assert.Throws<ArgumentOutOfRangeException>(() => new CaptureSessionOptions { Source = source, EntropyWorkers = 0 }).ParamName);
        Assert.Equal("Decoders", Assert.Throws<ArgumentOutOfRangeException>(() => new PlaybackSessionOptions { Decoders = 0 }).ParamName);
    }
}
