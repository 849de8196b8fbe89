using System.Globalization;

namespace EVC.Stream.Training.Tests;

/// <summary><see cref="TrainingLog"/> writes the field names, order and number forms that log readers parse.</summary>
public sealed class TrainingLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evc-log-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Validation_lines_keep_the_hand_written_format()
    {
        var log = new TrainingLog(Path.Combine(_directory, "log.jsonl"));
        double bpp = 0.1 + 0.2, psnr = 31.25, q = 1.5900000333786011;
        log.AppendValidation(1000, student: false, [new ValidationPoint(null, 0, q, bpp, psnr, 4)]);
        log.AppendValidation(2000, student: true, [new ValidationPoint(1, 3, 0.5, 1e-5, 40, 4)]);
        string[] lines = File.ReadAllLines(log.Path);
        // What the command used to build by hand with invariant-culture interpolation.
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{{\"step\":1000,\"model\":\"trained\",\"validation\":[{{\"rate\":0,\"q_scale\":{q},\"bpp\":{bpp},\"psnr\":{psnr}}}]}}"), lines[0]);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{{\"step\":2000,\"model\":\"student\",\"validation\":[{{\"level\":1,\"rate\":3,\"q_scale\":{0.5},\"bpp\":{1e-5},\"psnr\":{40.0}}}]}}"), lines[1]);
    }
}
