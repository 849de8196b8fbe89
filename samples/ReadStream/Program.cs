// Reads an .evcs stream frame by frame, decoded to RGB, and prints each frame's number, time and mean brightness.
// Usage: ReadStream IN.evcs [WEIGHTS.safetensors]   (default: the model the stream names, else the shipped default)
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using EVC.Stream.Pipeline;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: ReadStream IN.evcs [WEIGHTS.safetensors]");
    return 2;
}

using EvcModel model = EvcModelLoader.Load(args.Length > 1 ? args[1] : null, null, ComputeDevice.Choose("auto")).Model;
await using EvcStreamReader reader = await EvcStreamReader.OpenAsync(File.OpenRead(args[0]), model);
Console.WriteLine($"{args[0]}: {reader.Header.Width}x{reader.Header.Height} at {reader.Header.FrameRate.Value:0.##} fps, {reader.Header.Architecture}");
int count = 0;
await foreach (DecodedFrame frame in reader.ReadFramesAsync())
{
    double mean = frame.Rgb24.Average(b => (double)b);
    Console.WriteLine($"frame {frame.FrameNumber}: {frame.Pts * reader.Header.TimeBase.Value:0.000} s, mean {mean:F1}");
    count++;
}
Console.WriteLine($"{count} frames decoded");
return 0;
