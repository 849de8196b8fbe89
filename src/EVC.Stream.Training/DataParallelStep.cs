using System.Runtime.ExceptionServices;

namespace EVC.Stream.Training;

/// <summary>
/// Data parallelism on a CPU: the batch split over worker threads, each running forward and backward of its share on
/// its own bf16 shadow (<see cref="Bf16Shadow"/>) with libtorch on one thread; the master's gradient is the sum of
/// theirs. libtorch's intra-operation threads scale poorly on a training step of this size: here two runs of one
/// thread each made 1.8 steps per second each, one run of two threads 2.15 — so splitting the batch over the cores
/// trains faster than giving every core to each operation. Each worker draws its quantisation noise from its own
/// generator, seeded by the step, so a run stays reproducible and resumable.
/// </summary>
internal sealed class DataParallelStep : IDisposable
{
    private readonly Bf16Shadow[] _shadows;
    private readonly ChannelsLastActivations?[] _channelsLast;
    private readonly WorkerThread[] _threads;

    /// <summary>Builds <paramref name="workers"/> shadows of <paramref name="master"/> and the threads of all but the first (which runs on the caller's).</summary>
    public DataParallelStep(EvcModel master, int workers)
    {
        ArgumentNullException.ThrowIfNull(master);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 2);
        _shadows = [.. Enumerable.Range(0, workers).Select(_ => new Bf16Shadow(master))];
        _channelsLast = [.. _shadows.Select(s => ChannelsLastActivations.AttachIfExact(s.Model))];
        _threads = [.. Enumerable.Range(1, workers - 1).Select(w => new WorkerThread($"training worker {w}"))];
    }

    /// <summary>Worker threads, the caller's included.</summary>
    public int Workers => _shadows.Length;

    /// <summary>Whether the workers' forwards run channels-last.</summary>
    public bool ChannelsLast => _channelsLast.All(c => c is not null);

    /// <summary>The first worker's shadow (what one share of a step runs on).</summary>
    public Bf16Shadow FirstShadow => _shadows[0];

    /// <summary>
    /// Forward and backward of batch <paramref name="x"/> over the workers (the batch a multiple of them); leaves the
    /// gradient of the batch's mean loss on the master. Returns the batch's loss, bpp and PSNR.
    /// </summary>
    public VariableRateRdObjective.Result Run(Tensor x, int[] rateIndexes, int level, int noiseSeed)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(rateIndexes);
        int batch = (int)x.shape[0], share = batch / Workers;
        if (share * Workers != batch)
            throw new ArgumentException($"a batch of {batch} does not split over {Workers} workers", nameof(x));
        var parts = new (double Loss, double Bpp, double Mse)[Workers];
        void Work(int worker)
        {
            using var scope = NewDisposeScope();
            using var noise = new Generator(unchecked((ulong)noiseSeed * 0x9E3779B97F4A7C15UL + (ulong)worker));
            Bf16Shadow shadow = _shadows[worker];
            shadow.Refresh();
            VariableRateRdObjective.Result result = VariableRateRdObjective.Forward(shadow.Model, x.narrow(0, worker * share, share),
                rateIndexes[(worker * share)..((worker + 1) * share)], level, Bf16Shadow.Bf16, noise);
            (result.Loss * ((double)share / batch)).backward();  // the sum over workers is the gradient of the batch mean
            parts[worker] = (result.Loss.item<float>(), result.Bpp, result.Mse);
        }
        Task[] others = [.. _threads.Select((thread, i) => thread.Run(() => Work(i + 1)))];
        Exception? failure = null;
        try
        {
            Work(0);
        }
        catch (Exception e)
        {
            failure = e;
        }
        try
        {
            Task.WaitAll(others);
        }
        catch (AggregateException e)
        {
            failure ??= e.InnerException;
        }
        if (failure is not null)
            ExceptionDispatchInfo.Throw(failure);
        Bf16Shadow.SumGradients(_shadows);
        double mse = parts.Average(p => p.Mse);
        return new VariableRateRdObjective.Result(tensor((float)parts.Average(p => p.Loss)), parts.Average(p => p.Bpp), mse,
            10 * Math.Log10(1 / Math.Max(mse, 1e-12)));
    }

    /// <summary>Stops the threads and releases the shadows.</summary>
    public void Dispose()
    {
        foreach (WorkerThread thread in _threads)
            thread.Dispose();
        foreach (ChannelsLastActivations? switches in _channelsLast)
            switches?.Dispose();
        foreach (Bf16Shadow shadow in _shadows)
            shadow.Dispose();
    }
}
