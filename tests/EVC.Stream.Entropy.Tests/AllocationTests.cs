namespace EVC.Stream.Entropy.Tests;

/// <summary>The real-time path allocates nothing once an encoder and a decoder have coded their first frame.</summary>
public class AllocationTests
{
    [Fact]
    public void Steady_state_encoding_and_decoding_allocate_nothing()
    {
        var vector = KitData.RansVector("v5_three_calls");
        var calls = new (int[] Symbols, byte[] Indexes, CdfTable Table)[3];
        for (int k = 0; k < 3; k++)
        {
            CdfTable table = vector.GetInt32($"call{k}_table")[0] == 0 ? KitData.GaussianTable : KitData.ZTable;
            calls[k] = (vector.GetInt32($"call{k}_symbols"), KitData.ToBytes(vector.GetInt32($"call{k}_indexes")), table);
        }
        using var encoder = new RansEncoder();
        using var decoder = new RansDecoder();
        var outputs = calls.Select(c => new int[c.Symbols.Length]).ToArray();

        void Frame()
        {
            foreach ((int[] symbols, byte[] indexes, CdfTable table) in calls)
                encoder.Encode(symbols, indexes, table);
            decoder.SetStream(encoder.Flush());
            for (int k = 0; k < calls.Length; k++)
                decoder.Decode(calls[k].Indexes, calls[k].Table, outputs[k]);
            decoder.Finish();
        }

        Frame();
        Frame();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int frame = 0; frame < 50; frame++)
            Frame();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(calls[2].Symbols, outputs[2]);
    }
}
