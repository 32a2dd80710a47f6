using System.Diagnostics;
using System.Runtime.CompilerServices;
using Plexus.Store;

namespace Plexus.Agent.Metrics;

/// <summary>
/// An <see cref="IStore"/> decorator that times every call into <see cref="StoreMetrics"/> (operation = the method,
/// outcome = <c>success</c>, <c>unavailable</c> for <see cref="StoreUnavailableException"/>, <c>canceled</c> or
/// <c>error</c>; a failed compare-and-swap is a success: it is an answer) and counts watch events. Behaviour is the
/// inner store's, exceptions included.
/// </summary>
public sealed class InstrumentedStore(IStore inner, StoreMetrics metrics) : IStore
{
    /// <summary>The decorated store.</summary>
    public IStore Inner { get; } = inner;

    /// <inheritdoc/>
    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        TimeAsync("get", () => Inner.GetAsync(key, cancellationToken));

    /// <inheritdoc/>
    public Task<ListResult> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        TimeAsync("list", () => Inner.ListAsync(prefix, cancellationToken));

    /// <inheritdoc/>
    public Task<long> PutAsync(string key, string value, long lease = 0, CancellationToken cancellationToken = default) =>
        TimeAsync("put", () => Inner.PutAsync(key, value, lease, cancellationToken));

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        TimeAsync("delete", () => Inner.DeleteAsync(key, cancellationToken));

    /// <inheritdoc/>
    public Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default) =>
        TimeAsync("delete_prefix", () => Inner.DeletePrefixAsync(prefix, cancellationToken));

    /// <inheritdoc/>
    public Task<CasResult> CreateAsync(string key, string value, long lease = 0, CancellationToken cancellationToken = default) =>
        TimeAsync("create", () => Inner.CreateAsync(key, value, lease, cancellationToken));

    /// <inheritdoc/>
    public Task<CasResult> UpdateAsync(string key, string value, long expectedModRevision, long lease = 0, CancellationToken cancellationToken = default) =>
        TimeAsync("update", () => Inner.UpdateAsync(key, value, expectedModRevision, lease, cancellationToken));

    /// <inheritdoc/>
    public Task<CasResult> DeleteIfAsync(string key, long expectedModRevision, CancellationToken cancellationToken = default) =>
        TimeAsync("delete_if", () => Inner.DeleteIfAsync(key, expectedModRevision, cancellationToken));

    /// <inheritdoc/>
    public Task<TxnResult> TransactAsync(
        IReadOnlyList<StoreCompare> compares, IReadOnlyList<StoreOp> onSuccess, IReadOnlyList<StoreOp> onFailure, CancellationToken cancellationToken = default) =>
        TimeAsync("txn", () => Inner.TransactAsync(compares, onSuccess, onFailure, cancellationToken));

    /// <inheritdoc/>
    public Task<Lease> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) =>
        TimeAsync("grant_lease", () => Inner.GrantLeaseAsync(ttl, cancellationToken));

    /// <inheritdoc/>
    public Task<TimeSpan?> KeepAliveAsync(long lease, CancellationToken cancellationToken = default) =>
        TimeAsync("keep_alive", () => Inner.KeepAliveAsync(lease, cancellationToken));

    /// <inheritdoc/>
    public Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken = default) =>
        TimeAsync("revoke_lease", async () =>
        {
            await Inner.RevokeLeaseAsync(lease, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var e in Inner.WatchAsync(prefix, fromRevision, cancellationToken).ConfigureAwait(false))
        {
            metrics.WatchEvent(e.Type switch
            {
                WatchEventType.Put => "put",
                WatchEventType.Delete => "delete",
                _ => "resync",
            });
            yield return e;
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Inner.DisposeAsync();

    private async Task<T> TimeAsync<T>(string operation, Func<Task<T>> call)
    {
        var start = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await call().ConfigureAwait(false);
            outcome = "success";
            return result;
        }
        catch (StoreUnavailableException)
        {
            outcome = "unavailable";
            throw;
        }
        catch (OperationCanceledException)
        {
            outcome = "canceled";
            throw;
        }
        finally
        {
            metrics.Observe(operation, outcome, Stopwatch.GetElapsedTime(start));
        }
    }
}
