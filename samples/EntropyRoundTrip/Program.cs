// A small program that uses EVC.Stream.Entropy from code: it codes a latent the way an EVC model hands it to the
// coder (Gaussian symbols, each with a predicted scale), decodes it back, and checks the result.
using EVC.Stream.Entropy;

const int Channels = 96, Height = 68, Width = 120;   // one spatial-prior pass of a 1080p frame
int count = Channels * Height * Width;
var random = new Random(2023);

// A model predicts a scale per symbol; the official rule maps each scale to a row of the Gaussian table.
var scales = new float[count];
var symbols = new int[count];
for (int i = 0; i < count; i++)
{
    scales[i] = 0.11f * MathF.Exp(4f * (float)random.NextDouble());
    double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
    symbols[i] = (int)Math.Round(scales[i] * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
}
var indexes = new byte[count];
GaussianConditional.ScalesToIndexes(scales, indexes);

using var encoder = new RansEncoder();              // 2 sub-streams, as EVC writes them
encoder.Encode(symbols, indexes, GaussianConditional.Table);
byte[] payload = encoder.Flush().ToArray();

using var decoder = new RansDecoder();
decoder.SetStream(payload);
var decoded = new int[count];
decoder.Decode(indexes, GaussianConditional.Table, decoded);
decoder.Finish();                                   // throws EntropyCodingException on a damaged stream

bool same = decoded.AsSpan().SequenceEqual(symbols);
Console.WriteLine($"{count:N0} symbols -> {payload.Length:N0} bytes ({payload.Length * 8.0 / count:F3} bit/symbol); round trip {(same ? "exact" : "FAILED")}");
return same ? 0 : 1;
