using System.Collections.Concurrent;

namespace EVC.Stream.Training;

/// <summary>
/// A dedicated thread that runs the work posted to it, one item at a time: a data-parallel worker keeps its thread
/// (and libtorch's per-thread state, TorchSharp's dispose scopes) from step to step, where the thread pool would hop.
/// </summary>
internal sealed class WorkerThread : IDisposable
{
    private readonly BlockingCollection<(Action Work, TaskCompletionSource Done)> _queue = new(boundedCapacity: 1);
    private readonly Thread _thread;

    /// <summary>Starts the thread (a background thread: it never keeps the process alive).</summary>
    public WorkerThread(string name)
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Runs <paramref name="work"/> on the thread; the task ends with it (faulted if it throws).</summary>
    public Task Run(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((work, done));
        return done.Task;
    }

    private void Loop()
    {
        foreach (var (work, done) in _queue.GetConsumingEnumerable())
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }
    }

    /// <summary>Lets the thread finish what it holds and end.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join();
        _queue.Dispose();
    }
}
