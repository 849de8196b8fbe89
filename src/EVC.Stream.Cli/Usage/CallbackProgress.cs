namespace EVC.Stream.Cli.Usage;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls back at once on the reporting thread: console lines keep their order and a
/// progress bar is complete when the work returns (<see cref="Progress{T}"/> would post to the thread pool).
/// </summary>
internal sealed class CallbackProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
