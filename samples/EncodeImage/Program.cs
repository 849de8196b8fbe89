// Encodes one PNG to an EVC .bin and decodes it back: the image API in a few lines.
// Usage: EncodeImage IN.png OUT.png [WEIGHTS.safetensors]
using EVC.Stream.Imaging;
using EVC.Stream.Model;
using EVC.Stream.Model.Checkpoints;
using EVC.Stream.Model.Models;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: EncodeImage IN.png OUT.png [WEIGHTS.safetensors]");
    return 2;
}
// No weights given: the shipped default model (models/default.safetensors next to the program or above the working folder).
using EvcModel model = EvcModelLoader.Load(args.Length > 2 ? args[2] : null, null, ComputeDevice.Choose("auto")).Model;
var codec = new EvcImageCodec(model);
PlanarImage image = PlanarImage.LoadPng(args[0]);
byte[] bin = codec.Encode(image, Quality.FromRateIndex(2));
PlanarImage decoded = codec.Decode(bin);
decoded.SavePng(args[1]);

double psnr = PlanarImage.Psnr(image.ToRgb24(), decoded.ToRgb24());
Console.WriteLine($"{image.Width}x{image.Height}: {bin.Length} bytes, {bin.Length * 8.0 / (image.Width * image.Height):F3} bpp, {psnr:F2} dB");
return 0;
