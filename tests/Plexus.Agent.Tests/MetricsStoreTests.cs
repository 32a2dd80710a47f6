using Plexus.Agent.Metrics;
using Plexus.Store;

namespace Plexus.Agent.Tests;

/// <summary>The timing decorator around the store: every call lands in a histogram by operation and outcome, behaviour unchanged.</summary>
public sealed class MetricsStoreTests
{
    [Fact]
    public async Task Calls_are_timed_by_operation_with_a_failed_compare_counted_as_success()
    {
        var metrics = new StoreMetrics();
        await using var store = new InstrumentedStore(new InMemoryStore(), metrics);

        await store.PutAsync("a", "1");
        Assert.Equal("1", (await store.GetAsync("a"))!.Value);
        Assert.False((await store.CreateAsync("a", "2")).Succeeded);
        Assert.Single((await store.ListAsync("")).Items);
        Assert.True((await store.TransactAsync([StoreCompare.Absent("b")], [StoreOp.Put("b", "1")], [])).Succeeded);

        Assert.Equal(1, metrics.Snapshot("put", "success")!.Count);
        Assert.Equal(1, metrics.Snapshot("get", "success")!.Count);
        Assert.Equal(1, metrics.Snapshot("create", "success")!.Count);
        Assert.Equal(1, metrics.Snapshot("list", "success")!.Count);
        Assert.Equal(1, metrics.Snapshot("txn", "success")!.Count);
        Assert.True(metrics.Snapshot("put", "success")!.Sum >= 0);
    }

    [Fact]
    public async Task An_unreachable_store_and_a_cancelled_call_are_outcomes_and_still_throw()
    {
        var metrics = new StoreMetrics();
        await using var store = new InstrumentedStore(new Unreachable(), metrics);

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync("a"));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.TransactAsync([], [StoreOp.Put("a", "1")], []));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ListAsync("x", cancelled.Token));

        Assert.Equal(1, metrics.Snapshot("get", "unavailable")!.Count);
        Assert.Equal(1, metrics.Snapshot("txn", "unavailable")!.Count);
        Assert.Equal(1, metrics.Snapshot("list", "canceled")!.Count);
        var writer = new MetricsWriter();
        metrics.Collect(writer);
        var samples = MetricsTextFormat.Parse(writer.Render());
        Assert.Equal(1, MetricsTextFormat.Value(samples, "plexus_store_operation_duration_seconds_count", ("operation", "get"), ("outcome", "unavailable")));
    }

    [Fact]
    public async Task Watch_events_are_counted_by_type()
    {
        var metrics = new StoreMetrics();
        await using var store = new InstrumentedStore(new InMemoryStore(), metrics);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<WatchEvent>();
        var watching = Task.Run(async () =>
        {
            await foreach (var e in store.WatchAsync("k/", 1, cts.Token))
            {
                seen.Add(e);
                if (seen.Count == 3)
                {
                    break;
                }
            }
        });
        await store.PutAsync("k/1", "a");
        await store.PutAsync("k/1", "b");
        await store.DeleteAsync("k/1");
        await watching;

        var writer = new MetricsWriter();
        metrics.Collect(writer);
        var samples = MetricsTextFormat.Parse(writer.Render());
        Assert.Equal(2, MetricsTextFormat.Value(samples, "plexus_store_watch_events_total", ("type", "put")));
        Assert.Equal(1, MetricsTextFormat.Value(samples, "plexus_store_watch_events_total", ("type", "delete")));
    }

    private sealed class Unreachable : IStore
    {
        public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) => throw new StoreUnavailableException("etcd: connection refused");

        public Task<ListResult> ListAsync(string prefix, CancellationToken cancellationToken = default) => Task.FromCanceled<ListResult>(cancellationToken);

        public Task<long> PutAsync(string key, string value, long lease = 0, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CasResult> CreateAsync(string key, string value, long lease = 0, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CasResult> UpdateAsync(string key, string value, long expectedModRevision, long lease = 0, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<CasResult> DeleteIfAsync(string key, long expectedModRevision, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<TxnResult> TransactAsync(
            IReadOnlyList<StoreCompare> compares, IReadOnlyList<StoreOp> onSuccess, IReadOnlyList<StoreOp> onFailure, CancellationToken cancellationToken = default) =>
            throw new StoreUnavailableException("etcd: connection refused");

        public Task<Lease> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<TimeSpan?> KeepAliveAsync(long lease, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
