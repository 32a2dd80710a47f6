namespace Plexus.Store;

/// <summary>
/// The cluster state store: a revisioned key-value space with leases and prefix watches, shaped after etcd v3.
/// Keys and values are UTF-8 strings. Every mutation bumps the store's revision.
/// Expected failures (CAS conflicts, missing keys) are return values; <see cref="StoreUnavailableException"/>
/// means the store could not be reached and the operation may be retried.
/// </summary>
public interface IStore : IAsyncDisposable
{
    /// <summary>Reads one key; null when absent.</summary>
    Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads every key starting with <paramref name="prefix"/>, sorted by key, with the revision the read was taken at.</summary>
    Task<ListResult> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Writes a key unconditionally (attached to <paramref name="lease"/> when given); returns the new revision.</summary>
    Task<long> PutAsync(string key, string value, long lease = 0, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key; returns true when it existed.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes every key under a prefix; returns how many were deleted.</summary>
    Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Creates a key only if it does not exist (compare-and-swap on create revision 0).</summary>
    Task<CasResult> CreateAsync(string key, string value, long lease = 0, CancellationToken cancellationToken = default);

    /// <summary>Replaces a key only if its mod revision still equals <paramref name="expectedModRevision"/>.</summary>
    Task<CasResult> UpdateAsync(string key, string value, long expectedModRevision, long lease = 0, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key only if its mod revision still equals <paramref name="expectedModRevision"/>.</summary>
    Task<CasResult> DeleteIfAsync(string key, long expectedModRevision, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs one atomic transaction, as etcd's txn: when every compare holds, runs <paramref name="onSuccess"/>, else
    /// <paramref name="onFailure"/>. All writes of the branch share one new revision (none when it writes nothing), and
    /// watches see them together. At most <see cref="StoreTxn.MaxOps"/> compares and ops per branch, and no key written
    /// twice in one branch (<see cref="StoreTxn.Validate"/>; an <see cref="ArgumentException"/> otherwise).
    /// </summary>
    /// <exception cref="LeaseNotFoundException">A put of the branch that ran names a lease that is gone; nothing was written.</exception>
    Task<TxnResult> TransactAsync(
        IReadOnlyList<StoreCompare> compares, IReadOnlyList<StoreOp> onSuccess, IReadOnlyList<StoreOp> onFailure, CancellationToken cancellationToken = default);

    /// <summary>Grants a lease with the given time to live (whole seconds, at least 1).</summary>
    Task<Lease> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Refreshes a lease; returns the remaining TTL, or null when the lease no longer exists (expired or revoked).</summary>
    Task<TimeSpan?> KeepAliveAsync(long lease, CancellationToken cancellationToken = default);

    /// <summary>Revokes a lease; every key attached to it is deleted. Revoking an unknown lease is not an error.</summary>
    Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams changes to keys under <paramref name="prefix"/> with revision ≥ <paramref name="fromRevision"/>
    /// (use <see cref="ListResult.Revision"/> + 1 after a list). The stream survives store outages: it reconnects
    /// and resumes after the last delivered revision, so no event is lost or repeated. When the store has compacted
    /// the history it needs, it yields one <see cref="WatchEventType.ResyncRequired"/> event and ends: the caller
    /// lists again and starts a new watch.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long fromRevision, CancellationToken cancellationToken = default);
}

/// <summary>One stored key with its revisions (etcd semantics).</summary>
public sealed record KeyValue(string Key, string Value, long CreateRevision, long ModRevision, long Version, long Lease);

/// <summary>The result of a prefix list: the keys and the store revision the read reflects.</summary>
public sealed record ListResult(IReadOnlyList<KeyValue> Items, long Revision);

/// <summary>Outcome of a compare-and-swap: whether it applied, and the store revision after it (or at the time of the failed compare).</summary>
public readonly record struct CasResult(bool Succeeded, long Revision);

/// <summary>
/// Outcome of a transaction: which branch ran, the store revision after it (or at the time of the read when it wrote
/// nothing), and what its get ops read, one entry per get op in op order (null: the key was absent).
/// </summary>
public sealed record TxnResult(bool Succeeded, long Revision, IReadOnlyList<KeyValue?> Reads);

/// <summary>A granted lease.</summary>
public sealed record Lease(long Id, TimeSpan Ttl);

/// <summary>What happened to a key.</summary>
public enum WatchEventType
{
    /// <summary>The key was created or updated; <see cref="WatchEvent.Kv"/> holds the new value.</summary>
    Put,

    /// <summary>The key was deleted (also by lease expiry); <see cref="WatchEvent.Kv"/> holds key and mod revision only.</summary>
    Delete,

    /// <summary>History was compacted past the requested revision: list again and re-watch.</summary>
    ResyncRequired,
}

/// <summary>One change seen by a watch.</summary>
public sealed record WatchEvent(WatchEventType Type, KeyValue Kv, long Revision);

/// <summary>The store could not be reached or answered with a server error; the operation can be retried.</summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException() { }

    /// <summary>Creates the exception.</summary>
    public StoreUnavailableException(string message) : base(message) { }
}
