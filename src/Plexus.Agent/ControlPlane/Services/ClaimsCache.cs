using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Services;

/// <summary>
/// A short-lived view of the allocation records under one prefix, so a burst of allocations (thousands of Services
/// applied at once) reads the prefix once instead of once per Service. Only a hint for choosing candidates and finding
/// what an owner holds: every claim is still a compare-and-swap create, and a failed one drops the view.
/// </summary>
internal sealed class ClaimsCache(IStore store, string prefix, TimeProvider timeProvider, TimeSpan maxAge)
{
    private readonly Lock _gate = new();
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

        var now = timeProvider.GetUtcNow();
        var records = await ServiceClaims.ListAsync(store, prefix, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _records = records;
            _readAt = now;
            return [.. records];
        }
    }

    /// <summary>Records a claim this allocator just created (newer than everything in the view).</summary>
    public void Added(string key, ServiceAllocationRecord record)
    {
        lock (_gate)
        {
            _records?.Add((new KeyValue(key, record.ToJson(), long.MaxValue, long.MaxValue, 1, 0), record));
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
