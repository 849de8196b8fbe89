// Codes frames made by your own code (here: a moving gradient) into an .evcs stream that evcstream play/decode/info read.
// Usage: CustomFrameSource OUT.evcs [FRAMES] [WEIGHTS.safetensors]   (default weights: the shipped default model)
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;
using EVC.Stream.Pipeline;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: CustomFrameSource OUT.evcs [FRAMES] [WEIGHTS.safetensors]");
    return 2;
}
int frames = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
const int Width = 96, Height = 64;

using EvcModel model = EvcModelLoader.Load(args.Length > 2 ? args[2] : null, null, ComputeDevice.Choose("auto")).Model;
await using (EvcStreamWriter writer = await EvcStreamWriter.CreateAsync(File.Create(args[0]), model, Width, Height, frameRate: 10))
{
    var rgb = new byte[Width * Height * 3];
    for (int t = 0; t < frames; t++)
    {
        for (int y = 0, i = 0; y < Height; y++)
            for (int x = 0; x < Width; x++, i += 3)
                (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)(4 * x + 8 * t), (byte)(4 * y), (byte)(128 + 2 * (x - y)));
        await writer.WriteFrameAsync(rgb, Quality.FromRateIndex(2));
    }
    await writer.CompleteAsync();
    Console.WriteLine($"{args[0]}: {writer.FrameCount} frames of {Width}x{Height}, {new FileInfo(args[0]).Length} bytes");
}
return 0;
