using System.Runtime.CompilerServices;

namespace Plexus.Store;

/// <summary>
/// An in-process <see cref="IStore"/> with etcd's semantics: one revision counter bumped by every mutation,
/// create/mod revisions and versions per key, leases that expire on the injected clock, and prefix watches
/// served from a bounded history.
/// </summary>
public sealed class InMemoryStore : IStore
{
    /// <summary>How many watch events are kept for replay when no limit is given.</summary>
    public const int DefaultHistoryLimit = 10_000;

    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly int _historyLimit;
    private readonly SortedDictionary<string, KeyValue> _keys = new(KeySpace.Utf8Order);
    private readonly Dictionary<long, LeaseState> _leases = [];
    private readonly List<WatchEvent> _history = [];
    private readonly ITimer _expiryTimer;
    private TaskCompletionSource _changed = NewSignal();
    private long _revision = 1;
    private long _compactRevision;
    private bool _disposed;

    /// <summary>Creates an empty store at revision 1.</summary>
    /// <param name="timeProvider">Clock that drives lease expiry; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="historyLimit">How many events are kept for watches that start in the past.</param>
    public InMemoryStore(TimeProvider? timeProvider = null, int historyLimit = DefaultHistoryLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(historyLimit);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _historyLimit = historyLimit;
        _expiryTimer = _timeProvider.CreateTimer(_ => OnExpiryTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The current store revision.</summary>
    public long Revision
    {
        get
        {
            lock (_lock)
            {
                return _revision;
            }
        }
    }

    /// <summary>Discards watch history before <paramref name="revision"/>, like etcd's compaction.</summary>
    public void Compact(long revision)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(revision, _revision);
            if (revision > _compactRevision)
            {
                _history.RemoveRange(0, FirstEventAtOrAfter(revision));
                _compactRevision = revision;
            }
        }
    }

    /// <inheritdoc />
    public Task<KeyValue?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        KeySpace.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnterLocked();
            return Task.FromResult(_keys.GetValueOrDefault(key));
        }
    }

    /// <inheritdoc />
    public Task<ListResult> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnterLocked();
            return Task.FromResult(new ListResult(EntriesUnderLocked(prefix).ToList(), _revision));
        }
    }

    /// <inheritdoc />
    public Task<long> PutAsync(string key, string value, long lease = 0, CancellationToken cancellationToken = default)
    {
        KeySpace.Validate(key);
        ArgumentNullException.ThrowIfNull(value);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnterLocked();
            PutLocked(key, value, lease);
            return Task.FromResult(_revision);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        KeySpace.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnterLocked();
            return Task.FromResult(DeleteLocked([key]) == 1);
        }
    }

    /// <inheritdoc />
    public Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnterLocked();
            return Task.FromResult<long>(DeleteLocked(EntriesUnderLocked(prefix).Select(kv => kv.Key).ToList()));
        }
    }

    /// <inheritdoc />
    public Task<CasResult> CreateAsync(string key, string value, long lease = 0, CancellationToken cancellationToken = default)
    {
        KeySpace.Validate(key);
        ArgumentNullException.ThrowIfNull(value);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnterLocked();
            if (_keys.ContainsKey(key))
            {
                return Task.FromResult(new CasResult(false, _revision));
            }

            PutLocked(key, value, lease);
            return Task.FromResult(new CasResult(true, _revision));
        }
    }

    /// <inheritdoc />
    public Task<CasResult> UpdateAsync(string key, string value, long expectedModRevision, long lease = 0, CancellationToken cancellationToken = default)
    {
        KeySpace.Validate(key);
        ArgumentNullException.ThrowIfNull(value);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnterLocked();
            if (ModRevisionLocked(key) != expectedModRevision)
            {
                return Task.FromResult(new CasResult(false, _revision));
            }

            PutLocked(key, value, lease);
            return Task.FromResult(new CasResult(true, _revision));
        }
    }

    /// <inheritdoc />
    public Task<CasResult> DeleteIfAsync(string key, long expectedModRevision, CancellationToken cancellationToken = default)
    {
        KeySpace.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnterLocked();
            if (ModRevisionLocked(key) != expectedModRevision)
            {
                return Task.FromResult(new CasResult(false, _revision));
            }

            DeleteLocked([key]);
            return Task.FromResult(new CasResult(true, _revision));
        }
    }

    /// <inheritdoc />
    public Task<TxnResult> TransactAsync(
        IReadOnlyList<StoreCompare> compares, IReadOnlyList<StoreOp> onSuccess, IReadOnlyList<StoreOp> onFailure, CancellationToken cancellationToken = default)
    {
        StoreTxn.Validate(compares, onSuccess, onFailure);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnterLocked();
            var succeeded = compares.All(c => c.IsMetBy(_keys.GetValueOrDefault(c.Key)));
            var ops = succeeded ? onSuccess : onFailure;
            if (ops.FirstOrDefault(op => op.Type == StoreOpType.Put && op.Lease != 0 && !_leases.ContainsKey(op.Lease)) is { } orphan)
            {
                throw new LeaseNotFoundException(orphan.Lease);
            }

            // As etcd: every write of the branch carries the same new revision, and later ops see earlier ones.
            var revision = _revision + 1;
            var events = new List<WatchEvent>();
            var reads = new List<KeyValue?>();
            foreach (var op in ops)
            {
                switch (op.Type)
                {
                    case StoreOpType.Get:
                        reads.Add(_keys.GetValueOrDefault(op.Key));
                        break;
                    case StoreOpType.Put:
                        events.Add(PutAtLocked(op.Key, op.Value!, op.Lease, revision));
                        break;
                    case StoreOpType.Delete when _keys.Remove(op.Key, out var previous):
                        DetachLocked(previous);
                        events.Add(StoreEvents.Deleted(op.Key, revision));
                        break;
                }
            }

            if (events.Count > 0)
            {
                _revision = revision;
                PublishLocked(events);
            }

            return Task.FromResult(new TxnResult(succeeded, _revision, reads));
        }
    }

    /// <inheritdoc />
    public Task<Lease> GrantLeaseAsync(TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();
        var wholeSeconds = TimeSpan.FromSeconds(Math.Ceiling(ttl.TotalSeconds));
        lock (_lock)
        {
            EnterLocked();
            long id;
            do
            {
                id = Random.Shared.NextInt64(1, long.MaxValue);
            }
            while (_leases.ContainsKey(id));

            _leases[id] = new LeaseState(wholeSeconds, _timeProvider.GetUtcNow() + wholeSeconds);
            ScheduleExpiryLocked();
            return Task.FromResult(new Lease(id, wholeSeconds));
        }
    }

    /// <inheritdoc />
    public Task<TimeSpan?> KeepAliveAsync(long lease, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnterLocked();
            if (!_leases.TryGetValue(lease, out var state))
            {
                return Task.FromResult<TimeSpan?>(null);
            }

            state.Expiry = _timeProvider.GetUtcNow() + state.Ttl;
            ScheduleExpiryLocked();
            return Task.FromResult<TimeSpan?>(state.Ttl);
        }
    }

    /// <inheritdoc />
    public Task RevokeLeaseAsync(long lease, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            EnterLocked();
            RevokeLocked(lease);
            ScheduleExpiryLocked();
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        string prefix, long fromRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        long next;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            next = fromRevision > 0 ? fromRevision : _revision + 1;
        }

        while (true)
        {
            var batch = new List<WatchEvent>();
            long compactedAt = 0;
            Task changed;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (next < _compactRevision)
                {
                    compactedAt = _compactRevision;
                }
                else
                {
                    for (var i = FirstEventAtOrAfter(next); i < _history.Count; i++)
                    {
                        if (_history[i].Kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                        {
                            batch.Add(_history[i]);
                        }
                    }

                    next = Math.Max(next, _revision + 1);
                }

                changed = _changed.Task;
            }

            if (compactedAt > 0)
            {
                yield return StoreEvents.ResyncRequired(prefix, compactedAt);
                yield break;
            }

            foreach (var watchEvent in batch)
            {
                yield return watchEvent;
            }

            if (batch.Count == 0)
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _changed.TrySetResult();
        }

        await _expiryTimer.DisposeAsync().ConfigureAwait(false);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void OnExpiryTimer()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                EnterLocked();
            }
        }
    }

    // Every operation first applies lease expiries that are due, so reads never see an expired lease's keys.
    private void EnterLocked()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var now = _timeProvider.GetUtcNow();
        var expired = _leases.Where(pair => pair.Value.Expiry <= now).Select(pair => pair.Key).ToList();
        foreach (var lease in expired)
        {
            RevokeLocked(lease);
        }

        if (expired.Count > 0)
        {
            ScheduleExpiryLocked();
        }
    }

    private void ScheduleExpiryLocked()
    {
        if (_leases.Count == 0)
        {
            _expiryTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = _leases.Values.Min(state => state.Expiry) - _timeProvider.GetUtcNow();
        _expiryTimer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    // Keys sharing a prefix are adjacent in key order, so the scan stops after the last one.
    private IEnumerable<KeyValue> EntriesUnderLocked(string prefix)
    {
        var found = false;
        foreach (var kv in _keys.Values)
        {
            if (kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                found = true;
                yield return kv;
            }
            else if (found)
            {
                yield break;
            }
        }
    }

    private long ModRevisionLocked(string key) => _keys.TryGetValue(key, out var kv) ? kv.ModRevision : 0;

    private void PutLocked(string key, string value, long lease)
    {
        if (lease != 0 && !_leases.ContainsKey(lease))
        {
            throw new LeaseNotFoundException(lease);
        }

        PublishLocked([PutAtLocked(key, value, lease, ++_revision)]);
    }

    // Writes the key at the given revision (the lease is known to exist) and returns the event to publish.
    private WatchEvent PutAtLocked(string key, string value, long lease, long revision)
    {
        if (_keys.TryGetValue(key, out var previous))
        {
            DetachLocked(previous);
        }

        var kv = new KeyValue(key, value, previous?.CreateRevision ?? revision, revision, (previous?.Version ?? 0) + 1, lease);
        _keys[key] = kv;
        if (lease != 0)
        {
            _leases[lease].Keys.Add(key);
        }

        return new WatchEvent(WatchEventType.Put, kv, revision);
    }

    // Deletes the keys that exist, all in one new revision, as etcd does for a range delete or a lease revoke.
    private int DeleteLocked(IReadOnlyCollection<string> keys)
    {
        var existing = keys.Where(_keys.ContainsKey).ToList();
        if (existing.Count == 0)
        {
            return 0;
        }

        var revision = ++_revision;
        var events = new List<WatchEvent>(existing.Count);
        foreach (var key in existing)
        {
            _keys.Remove(key, out var previous);
            DetachLocked(previous!);
            events.Add(StoreEvents.Deleted(key, revision));
        }

        PublishLocked(events);
        return existing.Count;
    }

    private void RevokeLocked(long lease)
    {
        if (_leases.Remove(lease, out var state))
        {
            DeleteLocked(state.Keys.Order(KeySpace.Utf8Order).ToList());
        }
    }

    private void DetachLocked(KeyValue kv)
    {
        if (kv.Lease != 0 && _leases.TryGetValue(kv.Lease, out var state))
        {
            state.Keys.Remove(kv.Key);
        }
    }

    private void PublishLocked(IReadOnlyList<WatchEvent> events)
    {
        _history.AddRange(events);
        var excess = _history.Count - _historyLimit;
        if (excess > 0)
        {
            // Drop whole revisions so a watch never sees half of one.
            var cut = _history[excess - 1].Revision;
            _history.RemoveRange(0, FirstEventAtOrAfter(cut + 1));
            _compactRevision = Math.Max(_compactRevision, cut + 1);
        }

        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private int FirstEventAtOrAfter(long revision)
    {
        int low = 0, high = _history.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_history[middle].Revision < revision)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private sealed class LeaseState(TimeSpan ttl, DateTimeOffset expiry)
    {
        public TimeSpan Ttl { get; } = ttl;

        public DateTimeOffset Expiry { get; set; } = expiry;

        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
    }
}
