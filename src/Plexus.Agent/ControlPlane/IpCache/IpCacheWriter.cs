using System.Net;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.IpCache;

/// <summary>
/// Writes this node's ipcache entries <c>plexus/ipcache/&lt;cluster&gt;/&lt;ip&gt;</c> under the node's lease, and
/// remembers them so <see cref="RepublishAsync"/> can write them again after the lease was replaced.
/// </summary>
public sealed class IpCacheWriter
{
    private readonly LeasedRecords _records;
    private readonly string _cluster;

    /// <summary>Creates the writer for entries of <paramref name="cluster"/>.</summary>
    public IpCacheWriter(IStore store, string cluster)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        _records = new LeasedRecords(store);
        _cluster = cluster;
    }

    /// <summary>Writes (or replaces) the entry of <see cref="IpCacheRecord.Ip"/>; false when <paramref name="lease"/> is gone (republish later).</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public Task<bool> PutAsync(IpCacheRecord record, long lease, CancellationToken cancellationToken = default)
    {
        var (key, value) = Prepare(record);
        return _records.PutAsync(key, value, lease, cancellationToken);
    }

    /// <summary>The remembered records (for writes made together with another writer's).</summary>
    internal LeasedRecords Records => _records;

    /// <summary>The key and stored value of <paramref name="record"/> (address normalized); throws on a record this writer does not take.</summary>
    internal (string Key, string Value) Prepare(IpCacheRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Cluster != _cluster)
        {
            throw new ArgumentException($"the record belongs to cluster {record.Cluster}, this writer to {_cluster}", nameof(record));
        }

        if (!IPAddress.TryParse(record.Ip, out var address))
        {
            throw new ArgumentException($"\"{record.Ip}\" is not an IP address", nameof(record));
        }

        return (StoreKeys.IpCache(_cluster, address), (record with { Ip = StoreKeys.AddressText(address) }).ToJson());
    }

    /// <summary>Deletes the entry of <paramref name="address"/>; true when it existed.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public Task<bool> DeleteAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        return _records.DeleteAsync(StoreKeys.IpCache(_cluster, address), cancellationToken);
    }

    /// <summary>Writes every entry this writer holds again under <paramref name="lease"/>; false when that lease is gone too.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public Task<bool> RepublishAsync(long lease, CancellationToken cancellationToken = default) => _records.RepublishAsync(lease, cancellationToken);
}
