using Xunit.Abstractions;

namespace EVC.Stream.Container.Tests;

/// <summary>
/// The fault suite: a 30-frame stream cut at every byte and damaged in thousands of seeded ways (bit flips, overwrites,
/// inserted and deleted spans, swapped, duplicated, shuffled and nested packets), each read by the plain reader, the
/// ordered reader and remux (<see cref="FaultChecks"/>), each under a timeout.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private const int Frames = 30;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);

    private static Task<BuiltStream> SmallStreamAsync(int seed = 7) =>
        TestStreams.BuildAsync(Frames, seed: seed, minPayload: 20, maxPayload: 80, frameStep: 1);

    /// <summary>Counts over a run of cases; failures keep their description.</summary>
    private sealed class Tally
    {
        public int Cases, Rejected, Crashes, Hangs, Violations, Lost, Touched, Duplicates, TooLate;
        public readonly List<string> Failures = [];

        public async Task RunAsync(string name, Func<Task<FaultOutcome>> check)
        {
            Cases++;
            try
            {
                FaultOutcome outcome = await Task.Run(check).WaitAsync(CaseTimeout);
                if (outcome.Rejected)
                {
                    Rejected++;  // a damaged header: nothing can be decoded, by design
                    return;
                }
                Lost += outcome.Lost;
                Touched += outcome.Touched;
                Duplicates += (int)outcome.Duplicates;
                TooLate += (int)outcome.TooLate;
            }
            catch (TimeoutException)
            {
                Hangs++;
                Failures.Add($"{name}: no result within {CaseTimeout.TotalSeconds} s");
            }
            catch (Xunit.Sdk.XunitException e)
            {
                Violations++;
                Failures.Add($"{name}: {e.Message}");
            }
            catch (Exception e)
            {
                Crashes++;
                Failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }

        public void Report(ITestOutputHelper output, string title)
        {
            output.WriteLine($"{title}: {Cases} cases, {Rejected} rejected (header damaged), {Crashes} crashes, {Hangs} hangs, {Violations} violations; " +
                $"in the others frames lost {Lost} vs packets touched {Touched}; {Duplicates} duplicates dropped, {TooLate} too late");
            foreach (string failure in Failures.Take(10))
                output.WriteLine("  " + failure);
            Assert.True(Failures.Count == 0, $"{Failures.Count} failing case(s); first: {Failures.FirstOrDefault()}");
        }
    }

    [Fact]
    public async Task A_stream_cut_at_every_byte_loses_only_the_cut_packets_through_reader_and_remux()
    {
        BuiltStream built = await SmallStreamAsync();
        var tally = new Tally();
        for (int cut = 0; cut <= built.Bytes.Length; cut++)
        {
            MutatedStream mutated = MutatedStream.Of(built);
            mutated.Truncate(cut);
            bool seekable = cut % 2 == 0;
            int chunk = 1 + cut % 17;
            await tally.RunAsync($"cut at {cut}", () => FaultChecks.CheckAsync(built, mutated, seekable, chunk));
        }
        tally.Report(output, "truncation");
        Assert.Equal(built.HeaderLength, tally.Rejected);
    }

    /// <summary>The kinds of fault the seeded cases draw from.</summary>
    private enum Fault { Flip, Overwrite, Insert, Delete, Swap, Duplicate, Shuffle, Nested, Combined }

    [Fact]
    public async Task Two_thousand_seeded_corruptions_lose_only_touched_frames_and_emit_none_twice()
    {
        BuiltStream built = await SmallStreamAsync();
        var tally = new Tally();
        var perFault = new Dictionary<Fault, int>();
        for (int seed = 0; seed < 2000; seed++)
        {
            var random = new Random(seed);
            var fault = (Fault)(seed % Enum.GetValues<Fault>().Length);
            perFault[fault] = perFault.GetValueOrDefault(fault) + 1;
            MutatedStream mutated = Corrupt(built, fault, random);
            bool seekable = random.Next(2) == 0;
            int chunk = random.Next(3) == 0 ? 1 + random.Next(64) : int.MaxValue;
            await tally.RunAsync($"seed {seed} ({fault})", () => FaultChecks.CheckAsync(built, mutated, seekable, chunk));
        }
        output.WriteLine(string.Join(", ", perFault.Select(p => $"{p.Key} {p.Value}")));
        tally.Report(output, "seeded corruptions");
        Assert.True(tally.Duplicates > 0);  // the duplicating faults were exercised
    }

    private static MutatedStream Corrupt(BuiltStream built, Fault fault, Random random)
    {
        int[] order = Enumerable.Range(0, Frames).ToArray();
        switch (fault)
        {
            case Fault.Swap:
            {
                int a = random.Next(Frames), b = random.Next(Frames);
                (order[a], order[b]) = (order[b], order[a]);
                return MutatedStream.Arrange(built, order);
            }
            case Fault.Duplicate:
            {
                var list = order.ToList();
                for (int n = 1 + random.Next(3); n > 0; n--)
                    list.Insert(random.Next(list.Count + 1), random.Next(Frames));
                return MutatedStream.Arrange(built, list);
            }
            case Fault.Shuffle:
                random.Shuffle(order);
                return MutatedStream.Arrange(built, order);
            case Fault.Nested:
            {
                // A whole packet copied into another's payload: the host fails its CRC, the resync finds the copy.
                MutatedStream mutated = MutatedStream.Of(built);
                int copied = random.Next(Frames), host = random.Next(Frames);
                int start = (int)built.Offsets[copied], length = (int)(built.End(copied) - start);
                int into = (int)built.Offsets[host] + EvcsConstants.PacketHeaderSize + random.Next(built.Payloads[host].Length);
                mutated.InsertCopy(into, start, length);
                return mutated;
            }
            case Fault.Combined:
            {
                random.Shuffle(order);
                var list = order.ToList();
                for (int n = random.Next(3); n > 0; n--)
                    list.Insert(random.Next(list.Count + 1), random.Next(Frames));
                MutatedStream mutated = MutatedStream.Arrange(built, list);
                for (int n = 1 + random.Next(3); n > 0; n--)
                    ApplyByteFault((Fault)random.Next((int)Fault.Delete + 1), mutated, built, random);
                return mutated;
            }
            default:
            {
                MutatedStream mutated = MutatedStream.Of(built);
                ApplyByteFault(fault, mutated, built, random);
                return mutated;
            }
        }
    }

    private static void ApplyByteFault(Fault fault, MutatedStream mutated, BuiltStream built, Random random)
    {
        // Mostly after the header: a damaged header only rejects the stream, which the cut test already covers.
        int Position() => random.Next(8) == 0 ? random.Next(mutated.Length) : built.HeaderLength + random.Next(mutated.Length - built.HeaderLength);
        switch (fault)
        {
            case Fault.Flip:
                for (int n = 1 + random.Next(4); n > 0; n--)
                    mutated.Flip(Position(), random.Next(8));
                break;
            case Fault.Overwrite:
            {
                var data = new byte[1 + random.Next(64)];
                random.NextBytes(data);
                mutated.Overwrite(Position(), data);
                break;
            }
            case Fault.Insert:
            {
                var data = new byte[4 + random.Next(200)];
                random.NextBytes(data);
                if (random.Next(2) == 0)
                    EvcsConstants.PacketSync.CopyTo(data);  // a false sync marker at the start
                mutated.Insert(Position(), data);
                break;
            }
            case Fault.Delete:
                mutated.Delete(Position(), 1 + random.Next(200));
                break;
        }
    }

    [Theory]
    [InlineData(14, 29)]  // the red-team case: kept 14 of 30 before
    [InlineData(5, 6)]
    [InlineData(0, 29)]
    public async Task Remux_of_two_swapped_packets_keeps_all_30_in_frame_order(int a, int b)
    {
        BuiltStream built = await SmallStreamAsync();
        int[] order = Enumerable.Range(0, Frames).ToArray();
        (order[a], order[b]) = (order[b], order[a]);
        MutatedStream mutated = MutatedStream.Arrange(built, order);
        FaultOutcome outcome = await FaultChecks.CheckAsync(built, mutated, seekable: true, maxChunk: int.MaxValue);
        Assert.Equal((30, 0, 0L, 0L), (outcome.Frames, outcome.Lost, outcome.Duplicates, outcome.TooLate));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Remux_of_shuffled_packets_keeps_all_30_in_frame_order(int seed)
    {
        BuiltStream built = await SmallStreamAsync();
        int[] order = Enumerable.Range(0, Frames).ToArray();
        new Random(seed).Shuffle(order);
        FaultOutcome outcome = await FaultChecks.CheckAsync(built, MutatedStream.Arrange(built, order), seekable: seed % 2 == 0, maxChunk: 7);
        Assert.Equal((30, 0), (outcome.Frames, outcome.Lost));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Duplicated_packets_are_read_twice_by_the_plain_reader_but_emitted_once_in_order(bool whileHeld)
    {
        BuiltStream built = await SmallStreamAsync();
        // After their frame was returned (the red-team's 31-frame case), or while it waits in the window for frame 3.
        int[] order = whileHeld
            ? [0, 1, 2, 5, 5, 4, 4, 3, .. Enumerable.Range(6, Frames - 6)]
            : [.. Enumerable.Range(0, Frames), 12, 3];
        byte[] bytes = MutatedStream.Arrange(built, order).ToArray();
        await using (EvcsReader reader = await TestStreams.OpenAsync(bytes))
            Assert.Equal(32, (await TestStreams.ReadAllAsync(reader)).Count);
        FaultOutcome outcome = await FaultChecks.CheckAsync(built, MutatedStream.Arrange(built, order), seekable: true, maxChunk: int.MaxValue);
        Assert.Equal((30, 2L, 0L), (outcome.Frames, outcome.Duplicates, outcome.TooLate));
        // The rebuilt seek table names each frame once as well.
        await using EvcsReader seeking = await TestStreams.OpenAsync(bytes, options: new EvcsReaderOptions { UseStoredIndex = false });
        Assert.Equal(Enumerable.Range(0, Frames).Select(f => (long)f), (await seeking.GetIndexAsync()).Select(e => e.FrameNumber));
    }

    [Fact]
    public async Task A_packet_copied_inside_a_damaged_payload_is_found_by_the_resync_and_emitted_once()
    {
        BuiltStream built = await SmallStreamAsync();
        MutatedStream mutated = MutatedStream.Of(built);
        int start = (int)built.Offsets[4], length = (int)(built.End(4) - start);
        mutated.InsertCopy((int)built.Offsets[20] + EvcsConstants.PacketHeaderSize + 3, start, length);
        await using (EvcsReader reader = await TestStreams.OpenAsync(mutated.ToArray()))
        {
            var raw = await TestStreams.ReadAllAsync(reader);
            Assert.Equal(2, raw.Count(p => p.Info.FrameNumber == 4));  // packet 20 lost, packet 4 found twice
            Assert.DoesNotContain(raw, p => p.Info.FrameNumber == 20);
        }
        FaultOutcome outcome = await FaultChecks.CheckAsync(built, mutated, seekable: false, maxChunk: 5);
        Assert.Equal((29, 1, 1L), (outcome.Frames, outcome.Lost, outcome.Duplicates));
    }

    [Fact]
    public async Task A_packet_misplaced_beyond_the_window_is_dropped_and_counted_never_emitted_out_of_order()
    {
        BuiltStream built = await SmallStreamAsync();
        var order = Enumerable.Range(0, Frames).ToList();
        order.Remove(2);
        order.Add(2);  // 27 packets late
        FaultOutcome wide = await FaultChecks.CheckAsync(built, MutatedStream.Arrange(built, order), seekable: true, maxChunk: int.MaxValue);
        Assert.Equal((30, 0L), (wide.Frames, wide.TooLate));
        var narrow = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() =>
            FaultChecks.CheckAsync(built, MutatedStream.Arrange(built, order), seekable: true, maxChunk: int.MaxValue, window: 8));
        Assert.Contains("untouched packet 2 was lost", narrow.Message, StringComparison.Ordinal);  // the window bounds what is put back

        await using EvcsReader reader = await TestStreams.OpenAsync(MutatedStream.Arrange(built, order).ToArray());
        using var ordered = new EvcsOrderedReader(reader, window: 8);
        var frames = new List<long>();
        while (await ordered.ReadPacketAsync() is { } packet)
        {
            using (packet)
                frames.Add(packet.FrameNumber);
        }
        Assert.Equal(Enumerable.Range(0, Frames).Where(f => f != 2).Select(f => (long)f), frames);
        Assert.Equal((1L, 0L), (ordered.TooLate, ordered.Duplicates));
    }

    [Fact]
    public async Task Remux_keeps_the_end_of_stream_flag_only_on_the_last_packet_it_writes()
    {
        // A splice: the first recording's last packet (flagged end of stream) followed by a second one's packets.
        using var memory = new MemoryStream();
        await using (EvcsWriter writer = await EvcsWriter.CreateAsync(memory, TestStreams.Header(), new EvcsWriterOptions { LeaveOpen = true, WriteIndex = false }))
        {
            for (int k = 0; k < 6; k++)
                await writer.WriteAsync(new byte[10 + k], new EvcsPacketInfo(k, k, 1, 0, k is 2 or 5 ? EvcsPacketFlags.EndOfStream : EvcsPacketFlags.None));
        }
        await using EvcsReader reader = await TestStreams.OpenAsync(memory.ToArray());
        using var output = new MemoryStream();
        await using (EvcsWriter writer = await EvcsWriter.CreateAsync(output, reader.Header, new EvcsWriterOptions { LeaveOpen = true }))
            Assert.Equal(6, (await EvcsRemux.CopyAsync(reader, writer)).Written);
        await using EvcsReader again = await TestStreams.OpenAsync(output.ToArray());
        var flags = (await TestStreams.ReadAllAsync(again)).Select(p => p.Info.Flags).ToArray();
        Assert.Equal([.. Enumerable.Repeat(EvcsPacketFlags.None, 5), EvcsPacketFlags.EndOfStream], flags);
    }
}
