using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Services;

/// <summary>
/// A short-lived view of the allocation records under one prefix, so a burst of allocations (thousands of Services
/// applied at once) reads the prefix once instead of once per Service. Only a hint for choosing candidates and finding
/// what an owner holds: every claim is still a compare-and-swap create, and a failed one drops the view (or, when the
/// failure showed who holds the value, adds that holder to it).
/// </summary>
/// <param name="store">The store to list.</param>
/// <param name="prefix">The prefix listed.</param>
/// <param name="timeProvider">The clock that ages the view.</param>
/// <param name="maxAge">How long a read serves.</param>
/// <param name="decode">Turns a stored key into a record (null: skipped); allocation records' JSON when null.</param>
internal sealed class ClaimsCache(
    IStore store, string prefix, TimeProvider timeProvider, TimeSpan maxAge, Func<KeyValue, ServiceAllocationRecord?>? decode = null)
{
    private readonly Lock _gate = new();
    private readonly Func<KeyValue, ServiceAllocationRecord?> _decode = decode ?? (kv => ServiceAllocationRecord.FromJson(kv.Value));
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private HashSet<(string Owner, string Kind)> _holders = [];
    private List<(KeyValue Kv, ServiceAllocationRecord Record)>? _records;
    private DateTimeOffset _readAt;

    /// <summary>The records, read again when the view is older than the maximum age or was dropped.</summary>
    public async Task<List<(KeyValue Kv, ServiceAllocationRecord Record)>> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_records is not null && timeProvider.GetUtcNow() - _readAt <= maxAge)
            {
                return [.. _records];
            }
        }

        return await ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the view (read again as <see cref="GetAsync"/> would) holds a record of <paramref name="kind"/> for
    /// <paramref name="owner"/>: a lookup, for checks made for every Service of a burst.
    /// </summary>
    public async Task<bool> HoldsAsync(string owner, string kind, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_records is not null && timeProvider.GetUtcNow() - _readAt <= maxAge)
            {
                return _holders.Contains((owner, kind));
            }
        }

        await ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            return _holders.Contains((owner, kind));
        }
    }

    private async Task<List<(KeyValue Kv, ServiceAllocationRecord Record)>> ReadAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var list = await store.ListAsync(prefix, cancellationToken).ConfigureAwait(false);
        var records = new List<(KeyValue Kv, ServiceAllocationRecord Record)>(list.Items.Count);
        foreach (var kv in list.Items)
        {
            if (_decode(kv) is { } record)
            {
                records.Add((kv, record));
            }
        }

        lock (_gate)
        {
            _records = records;
            _readAt = now;
            _keys.Clear();
            _keys.UnionWith(records.Select(r => r.Kv.Key));
            _holders = records.Select(r => (r.Record.Owner, r.Record.Kind)).ToHashSet();
            return [.. records];
        }
    }

    /// <summary>Records a claim this allocator just created (newer than everything in the view).</summary>
    public void Added(string key, ServiceAllocationRecord record) =>
        Seen(new KeyValue(key, record.ToJson(), long.MaxValue, long.MaxValue, 1, 0), record);

    /// <summary>
    /// Records a key read from the store (a claim someone else made). When the view already holds that key it was
    /// wrong about it (the key was just found taken, or just created), so it is dropped instead.
    /// </summary>
    public void Seen(KeyValue kv, ServiceAllocationRecord record)
    {
        lock (_gate)
        {
            if (_records is null)
            {
                return;
            }

            if (_keys.Add(kv.Key))
            {
                _records.Add((kv, record));
                _holders.Add((record.Owner, record.Kind));
            }
            else
            {
                _records = null;
            }
        }
    }

    /// <summary>Drops the view: the next read lists the prefix again.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _records = null;
        }
    }
}
