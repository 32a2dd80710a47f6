using Plexus.Store;

namespace Plexus.Agent.Tests;

/// <summary>
/// A store decorator that runs a test's hook right before chosen calls reach the inner store, to force one exact
/// interleaving of two parties (no timing involved).
/// </summary>
internal sealed class InterceptingStore(IStore inner) : IStore
{
    /// <summary>Runs before a PutAsync; gets the key.</summary>
    public Func<string, Task>? BeforePut { get; set; }

    /// <summary>Runs before a DeleteIfAsync; gets the key.</summary>
    public Func<string, Task>? BeforeDeleteIf { get; set; }

    /// <summary>How many GetAsync calls reached the inner store.</summary>
    public int Gets { get; private set; }

    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        Gets++;
        return inner.GetAsync(key, cancellationToken);
    }

    /// <summary>Rewrites what a ListAsync returns; gets the prefix and the inner store's answer.</summary>
    public Func<string, ListResult, ListResult>? AfterList { get; set; }

    /// <summary>How many ListAsync calls reached the inner store.</summary>
    public int Lists { get; private set; }

    public async Task<ListResult> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        Lists++;
        var result = await inner.ListAsync(prefix, cancellationToken);
        return AfterList is { } rewrite ? rewrite(prefix, result) : result;
    }

    /// <summary>How many PutAsync calls reached the inner store.</summary>
    public int Puts { get; private set; }

    public async Task<long> PutAsync(string key, string value, long lease = 0, CancellationToken cancellationToken = default)
    {
        Puts++;
        if (BeforePut is { } hook)
        {
            await hook(key);
        }

        return await inner.PutAsync(key, value, lease, cancellationToken);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default) => inner.DeletePrefixAsync(prefix, cancellationToken);

    public Task<CasResult> CreateAsync(string key, string value, long lease = 0, CancellationToken cancellationToken = default) =>
        inner.CreateAsync(key, value, lease, cancellationToken);

    public Task<CasResult> UpdateAsync(string key, string value, long expectedModRevision, long lease = 0, CancellationToken cancellationToken = default) =>
        inner.UpdateAsync(key, value, expectedModRevision, lease, cancellationToken);

    public async Task<CasResult> DeleteIfAsync(string key, long expectedModRevision, CancellationToken cancellationToken = default)
    {
        if (BeforeDeleteIf is { } hook)
        {
            await hook(key);
        }

        return await inner.DeleteIfAsync(key, expectedModRevision, cancellationToken);
    }

    /// <summary>Runs before a TransactAsync; gets the compares and the success ops.</summary>
    public Func<IReadOnlyList<StoreCompare>, IReadOnlyList<StoreOp>, Task>? BeforeTransact { get; set; }

    /// <summary>How many TransactAsync calls reached the inner store.</summary>
    public int Transacts { get; private set; }

    public async Task<TxnResult> TransactAsync(
        IReadOnlyList<StoreCompare> compares, IReadOnlyList<StoreOp> onSuccess, IReadOnlyList<StoreOp> onFailure, CancellationToken cancellationToken = default)
    {
        Transacts++;
        if (BeforeTransact is { } hook)
        {
            await hook(compares, onSuccess);
        }

        return await inner.TransactAsync(compares, onSuccess, onFailure, cancellationToken);
    }

    public Task<Lease> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default) => inner.GrantLeaseAsync(ttl, cancellationToken);

    public Task<TimeSpan?> KeepAliveAsync(long lease, CancellationToken cancellationToken = default) => inner.KeepAliveAsync(lease, cancellationToken);

    public Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken = default) => inner.RevokeLeaseAsync(lease, cancellationToken);

    public IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, CancellationToken cancellationToken = default) =>
        inner.WatchAsync(prefix, fromRevision, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
