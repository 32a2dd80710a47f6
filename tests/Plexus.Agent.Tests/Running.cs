namespace Plexus.Agent.Tests;

/// <summary>A background loop started by a test, cancelled and awaited on dispose (its failure fails the test).</summary>
internal sealed class Running : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _task;

    private Running(Func<CancellationToken, Task> loop)
    {
        _task = Task.Run(() => loop(_stop.Token));
    }

    /// <summary>Starts <paramref name="loop"/> on the thread pool.</summary>
    public static Running Start(Func<CancellationToken, Task> loop) => new(loop);

    /// <summary>The loop's task (completes only on cancellation or failure).</summary>
    public Task Task => _task;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _task.WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            _stop.Dispose();
        }
    }
}
