using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Endpoints;

/// <summary>
/// Writes this node's endpoint records <c>plexus/endpoints/&lt;cluster&gt;/&lt;node&gt;/&lt;id&gt;</c> under the node's
/// lease, and remembers them so <see cref="RepublishAsync"/> can write them again after the lease was replaced.
/// </summary>
public sealed class EndpointWriter
{
    private readonly IStore _store;
    private readonly LeasedRecords _records;
    private readonly string _cluster;
    private readonly string _node;

    /// <summary>Creates the writer of <paramref name="node"/> in <paramref name="cluster"/>.</summary>
    public EndpointWriter(IStore store, string cluster, string node)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        ArgumentException.ThrowIfNullOrEmpty(node);
        (_store, _cluster, _node) = (store, cluster, node);
        _records = new LeasedRecords(store);
    }

    /// <summary>Writes (or replaces) an endpoint record of this node; false when <paramref name="lease"/> is gone (republish later).</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public Task<bool> PutAsync(EndpointRecord record, long lease, CancellationToken cancellationToken = default)
    {
        var (key, value) = Prepare(record);
        return _records.PutAsync(key, value, lease, cancellationToken);
    }

    /// <summary>
    /// Writes an endpoint record of this node together with the ipcache entry of its address (<paramref name="ipcache"/>)
    /// in one store transaction; false when <paramref name="lease"/> is gone (both are republished later).
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    internal Task<bool> PutWithIpCacheAsync(EndpointRecord record, IpCache.IpCacheWriter ipcache, IpCacheRecord entry, long lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ipcache);
        var (key, value) = Prepare(record);
        var (entryKey, entryValue) = ipcache.Prepare(entry);
        return LeasedRecords.PutTogetherAsync(_store, [(_records, key, value), (ipcache.Records, entryKey, entryValue)], lease, cancellationToken);
    }

    // The key and stored value of a record of this node; throws on a record of another cluster or node.
    private (string Key, string Value) Prepare(EndpointRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Cluster != _cluster || record.Node != _node)
        {
            throw new ArgumentException($"the record belongs to {record.Cluster}/{record.Node}, this writer to {_cluster}/{_node}", nameof(record));
        }

        return (StoreKeys.Endpoint(_cluster, _node, record.Id), record.ToJson());
    }

    /// <summary>Deletes an endpoint record; true when it existed.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default) =>
        _records.DeleteAsync(StoreKeys.Endpoint(_cluster, _node, id), cancellationToken);

    /// <summary>Writes every record this writer holds again under <paramref name="lease"/>; false when that lease is gone too.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public Task<bool> RepublishAsync(long lease, CancellationToken cancellationToken = default) => _records.RepublishAsync(lease, cancellationToken);

    /// <summary>This node's endpoint records as the store holds them (e.g. left by the previous agent run), by id.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<IReadOnlyList<EndpointRecord>> ListAsync(CancellationToken cancellationToken = default)
    {
        var list = await _store.ListAsync(StoreKeys.EndpointsPrefix(_cluster, _node), cancellationToken).ConfigureAwait(false);
        return list.Items.Select(kv => EndpointRecord.FromJson(kv.Value)).OfType<EndpointRecord>().OrderBy(r => r.Id).ToList();
    }
}
