namespace EVC.Stream.Container.Tests;

/// <summary>What a damaged stream gave: rejected at the header, or the frames the ordered reader returned.</summary>
internal sealed record FaultOutcome(bool Rejected, int Frames, int Lost, int Touched, long Duplicates, long TooLate);

/// <summary>
/// Reads a damaged stream every way a consumer does — the plain reader, the ordered reader, remux and a re-read of the
/// remuxed stream — and checks what may be promised: only the documented exception (and only for a damaged header),
/// every returned frame bit-identical to the original with its number, no frame twice where order is promised, no
/// frame lost that the fault did not touch, and a remuxed stream that reads back cleanly.
/// </summary>
internal static class FaultChecks
{
    public static async Task<FaultOutcome> CheckAsync(BuiltStream original, MutatedStream mutated, bool seekable, int maxChunk, int window = EvcsOrderedReader.DefaultWindow)
    {
        byte[] bytes = mutated.ToArray();
        var byFrame = new Dictionary<long, int>();
        for (int k = 0; k < original.Infos.Length; k++)
            byFrame.Add(original.Infos[k].FrameNumber, k);
        string what = string.Join("; ", mutated.Log);

        void AssertOriginal(EvcsPacketInfo info, byte[] payload)
        {
            Assert.True(byFrame.TryGetValue(info.FrameNumber, out int k), $"frame {info.FrameNumber} is not in the original ({what})");
            Assert.Equal(original.Infos[k], info);
            Assert.True(original.Payloads[k].AsSpan().SequenceEqual(payload), $"frame {info.FrameNumber} differs from the original ({what})");
        }

        void AssertLostOnlyTouched(IEnumerable<long> frames, string path)
        {
            var got = frames.ToHashSet();
            for (int k = 0; k < original.Infos.Length; k++)
            {
                if (!got.Contains(original.Infos[k].FrameNumber))
                    Assert.True(mutated.Touched.Contains(k), $"{path}: untouched packet {k} was lost ({what})");
            }
        }

        // 1. The plain reader: stream order, every intact packet (a duplicated packet comes twice).
        EvcsReader reader;
        try
        {
            reader = await TestStreams.OpenAsync(bytes, seekable, maxChunk);
        }
        catch (EvcsFormatException) when (mutated.HeaderTouched)
        {
            return new FaultOutcome(true, 0, original.Infos.Length, mutated.Touched.Count, 0, 0);
        }
        await using (reader)
        {
            var raw = await TestStreams.ReadAllAsync(reader, limit: 4 * original.Infos.Length + 16);
            foreach (var (info, _, payload) in raw)
                AssertOriginal(info, payload);
            AssertLostOnlyTouched(raw.Select(p => p.Info.FrameNumber), "reader");
        }

        // 2. The ordered reader: frame order, each frame once.
        var ordered = new List<(EvcsPacketInfo Info, byte[] Payload)>();
        long duplicates, tooLate;
        await using (EvcsReader plain = await TestStreams.OpenAsync(bytes, seekable, maxChunk))
        using (var inOrder = new EvcsOrderedReader(plain, window))
        {
            while (await inOrder.ReadPacketAsync() is { } packet)
            {
                using (packet)
                {
                    Assert.True(ordered.Count == 0 || packet.FrameNumber > ordered[^1].Info.FrameNumber,
                        $"frame {packet.FrameNumber} after {(ordered.Count > 0 ? ordered[^1].Info.FrameNumber : -1)}: out of order or twice ({what})");
                    ordered.Add((packet.Info, packet.Payload.ToArray()));
                }
            }
            foreach (var (info, payload) in ordered)
                AssertOriginal(info, payload);
            AssertLostOnlyTouched(ordered.Select(p => p.Info.FrameNumber), "ordered reader");
            duplicates = inOrder.Duplicates;
            tooLate = inOrder.TooLate;
        }

        // 3. Remux, then 4. the remuxed stream reads back whole: no damage, stored index, the ordered frames exactly.
        using var remuxed = new MemoryStream();
        await using (EvcsReader source = await TestStreams.OpenAsync(bytes, seekable, maxChunk))
        {
            await using EvcsWriter writer = await EvcsWriter.CreateAsync(remuxed, source.Header, new EvcsWriterOptions { LeaveOpen = true });
            EvcsRemuxResult result = await EvcsRemux.CopyAsync(source, writer, window);
            Assert.Equal(ordered.Count, result.Written);
            Assert.Equal((duplicates, tooLate), (result.Duplicates, result.TooLate));
        }
        byte[] output = remuxed.ToArray();
        Assert.True(output.AsSpan(0, original.HeaderLength).SequenceEqual(original.Bytes.AsSpan(0, original.HeaderLength)), $"remuxed header differs ({what})");
        await using (EvcsReader again = await TestStreams.OpenAsync(output))
        {
            Assert.Equal(EvcsIndexSource.Stored, again.IndexSource);
            Assert.Equal(ordered.Count, again.Trailer!.Value.FrameCount);
            var back = await TestStreams.ReadAllAsync(again);
            Assert.Empty(again.Damage);
            Assert.Equal(ordered.Select(p => p.Info), back.Select(p => p.Info));
            for (int i = 0; i < back.Count; i++)
                Assert.Equal(ordered[i].Payload, back[i].Payload);
        }

        int lost = original.Infos.Length - ordered.Count;
        return new FaultOutcome(false, ordered.Count, lost, mutated.Touched.Count, duplicates, tooLate);
    }
}
