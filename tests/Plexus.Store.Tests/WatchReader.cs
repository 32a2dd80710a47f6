namespace Plexus.Store.Tests;

/// <summary>
/// Pulls a store watch one event at a time, with a deadline per event. Nothing is read ahead, so between two calls
/// the watch is exactly as a slow consumer would leave it.
/// </summary>
internal sealed class WatchReader : IAsyncDisposable
{
    private static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();
    private readonly IAsyncEnumerator<WatchEvent> _enumerator;
    private Task<bool>? _pending;

    /// <summary>Starts (lazily, on the first read) a watch of <paramref name="prefix"/> from <paramref name="fromRevision"/>.</summary>
    public WatchReader(IStore store, string prefix, long fromRevision)
    {
        _enumerator = store.WatchAsync(prefix, fromRevision, _stop.Token).GetAsyncEnumerator(_stop.Token);
    }

    /// <summary>The next event; fails when none arrives within the deadline or the watch ends.</summary>
    public async Task<WatchEvent> NextAsync(TimeSpan? deadline = null)
    {
        Assert.True(await MoveNextAsync(deadline), "the watch ended");
        return _enumerator.Current;
    }

    /// <summary>The next <paramref name="count"/> events.</summary>
    public async Task<IReadOnlyList<WatchEvent>> NextAsync(int count)
    {
        var events = new List<WatchEvent>();
        for (var i = 0; i < count; i++)
        {
            events.Add(await NextAsync());
        }

        return events;
    }

    /// <summary>Asserts that the watch ends (instead of yielding another event) within the deadline.</summary>
    public async Task AssertEndedAsync()
    {
        Assert.False(await MoveNextAsync(null), "the watch yielded another event instead of ending");
    }

    /// <summary>Cancels the watch and waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_pending is not null)
        {
            try
            {
                await _pending;
            }
            catch (OperationCanceledException)
            {
                // The watch ends by cancellation.
            }
        }

        await _enumerator.DisposeAsync();
        _stop.Dispose();
    }

    private async Task<bool> MoveNextAsync(TimeSpan? deadline)
    {
        _pending ??= _enumerator.MoveNextAsync().AsTask();
        var moved = await _pending.WaitAsync(deadline ?? DefaultDeadline);
        _pending = null;
        return moved;
    }
}
