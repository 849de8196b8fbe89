using System.Diagnostics;

namespace EVC.Stream.Entropy.Tests;

/// <summary>Corrupt and truncated payloads: never a hang, never an exception other than ours.</summary>
public class CorruptStreamTests
{
    private static readonly (int[] Symbols, byte[] Indexes, CdfTable Table)[] s_calls = BuildCalls();

    private static (int[], byte[], CdfTable)[] BuildCalls()
    {
        var vector = KitData.RansVector("v5_three_calls");
        var calls = new (int[], byte[], CdfTable)[3];
        for (int k = 0; k < 3; k++)
        {
            CdfTable table = vector.GetInt32($"call{k}_table")[0] == 0 ? KitData.GaussianTable : KitData.ZTable;
            calls[k] = (vector.GetInt32($"call{k}_symbols"), KitData.ToBytes(vector.GetInt32($"call{k}_indexes")), table);
        }
        return calls;
    }

    private static byte[] ValidPayload() => KitData.RansVector("v5_three_calls").GetUInt8("stream");

    /// <summary>Decodes a possibly damaged payload; returns true when it decoded and finished cleanly.</summary>
    private static bool TryDecode(RansDecoder decoder, byte[] payload)
    {
        try
        {
            decoder.SetStream(payload);
            foreach ((int[] symbols, byte[] indexes, CdfTable table) in s_calls)
                decoder.Decode(indexes, table, new int[symbols.Length]);
            decoder.Finish();
            return true;
        }
        catch (EntropyCodingException)
        {
            return false;
        }
    }

    [Fact]
    public void Truncation_at_every_byte_is_detected()
    {
        byte[] payload = ValidPayload();
        using var decoder = new RansDecoder();
        for (int length = 0; length < payload.Length; length++)
            Assert.False(TryDecode(decoder, payload[..length]), $"a payload cut to {length} bytes decoded cleanly");
        Assert.True(TryDecode(decoder, payload));
    }

    [Fact]
    public void Random_bit_flips_insertions_and_deletions_never_escape_or_hang()
    {
        byte[] payload = ValidPayload();
        var random = new Random(1234);
        using var decoder = new RansDecoder();
        var watch = Stopwatch.StartNew();
        int detected = 0;
        const int Trials = 3000;
        for (int trial = 0; trial < Trials; trial++)
        {
            byte[] damaged = (trial % 3) switch
            {
                0 => FlipBits(payload, random),
                1 => Insert(payload, random),
                _ => Delete(payload, random),
            };
            if (!TryDecode(decoder, damaged))
                detected++;
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"fuzzing took {watch.Elapsed}");
        // Most damage is caught by the framing, a run out of words, or the final-state check.
        Assert.True(detected > Trials * 9 / 10, $"only {detected} of {Trials} damaged payloads were detected");
    }

    [Fact]
    public void Random_garbage_never_escapes_or_hangs()
    {
        var random = new Random(99);
        using var decoder = new RansDecoder();
        for (int trial = 0; trial < 2000; trial++)
        {
            var garbage = new byte[random.Next(0, 3000)];
            random.NextBytes(garbage);
            TryDecode(decoder, garbage);
        }
    }

    [Fact]
    public void An_escape_claiming_too_many_nibbles_is_rejected()
    {
        // One sub-stream whose only symbol is an escape followed by a nibble count of 15 + 15 + 15.
        CdfTable table = KitData.GaussianTable;
        var encoder = new Reference.OfficialRansEncoder(1);
        encoder.Encode([table.GetOffset(0) + table.GetCdfLength(0) - 2], [0], table);
        byte[] valid = encoder.Flush();
        using var decoder = new RansDecoder();
        decoder.SetStream(valid);
        decoder.Decode([0], table, new int[1]);
        decoder.Finish();

        // Hand-build a state whose low nibbles read 15,15,15: after the escape symbol is decoded the
        // decoder must stop at the limit instead of reading an unbounded count.
        var words = new uint[] { 0xFFFF_FFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF };
        var payload = new byte[1 + words.Length * 4];
        payload[0] = 0x01;
        Buffer.BlockCopy(words, 0, payload, 1, words.Length * 4);
        decoder.SetStream(payload);
        int row = 255; // the widest row: the escape slot sits at the top of the range, where slot 0xFFFF lands
        Assert.Throws<EntropyCodingException>(() =>
        {
            decoder.Decode([(byte)row], table, new int[1]);
            decoder.Finish();
        });
    }

    private static byte[] FlipBits(byte[] payload, Random random)
    {
        byte[] copy = (byte[])payload.Clone();
        int flips = random.Next(1, 4);
        for (int i = 0; i < flips; i++)
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    private static byte[] Insert(byte[] payload, Random random)
    {
        int at = random.Next(payload.Length + 1);
        int count = random.Next(1, 9);
        var extra = new byte[count];
        random.NextBytes(extra);
        return [.. payload.AsSpan(0, at), .. extra, .. payload.AsSpan(at)];
    }

    private static byte[] Delete(byte[] payload, Random random)
    {
        int at = random.Next(payload.Length);
        int count = Math.Min(random.Next(1, 9), payload.Length - at);
        return [.. payload.AsSpan(0, at), .. payload.AsSpan(at + count)];
    }
}
