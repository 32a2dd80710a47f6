using System.Collections.Immutable;
using System.Net;
using Microsoft.Extensions.Logging;
using Plexus.Agent.ControlPlane.Mirroring;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.IpCache;

/// <summary>
/// The ipcache of every given cluster as one immutable snapshot keyed by store key
/// (<c>plexus/ipcache/&lt;cluster&gt;/&lt;ip&gt;</c>), kept by one <see cref="PrefixMirror{T}"/> per cluster. Deltas
/// from all clusters reach the subscriber one at a time, each with the merged snapshot after it; the datapath
/// programs its LPM map from them.
/// </summary>
public sealed class IpCacheMirror
{
    private readonly Lock _lock = new();
    private readonly List<PrefixMirror<IpCacheRecord>> _mirrors;
    private ImmutableDictionary<string, IpCacheRecord> _snapshot = ImmutableDictionary.Create<string, IpCacheRecord>(StringComparer.Ordinal);

    /// <summary>Creates the mirror of <paramref name="sources"/> (one per cluster, names distinct).</summary>
    public IpCacheMirror(IEnumerable<IpCacheSource> sources, TimeProvider timeProvider, ILogger<IpCacheMirror> logger)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        Sources = sources.ToList();
        if (Sources.Select(s => s.Cluster).Distinct(StringComparer.Ordinal).Count() != Sources.Count)
        {
            throw new ArgumentException("each cluster may be given once", nameof(sources));
        }

        _mirrors = Sources
            .Select(s => new PrefixMirror<IpCacheRecord>(s.Store, StoreKeys.IpCachePrefix(s.Cluster), Decode, timeProvider, logger))
            .ToList();
    }

    /// <summary>The mirrored clusters.</summary>
    public IReadOnlyList<IpCacheSource> Sources { get; }

    /// <summary>Every entry of every cluster, by store key.</summary>
    public ImmutableDictionary<string, IpCacheRecord> Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Completes once every cluster has been listed once.</summary>
    public Task Synced => Task.WhenAll(_mirrors.Select(m => m.Synced));

    /// <summary>How many resyncs (lists after the first) all clusters needed so far.</summary>
    public int Resyncs => _mirrors.Sum(m => m.Resyncs);

    /// <summary>Mirrors every cluster until cancelled, passing each delta (with the merged snapshot) to <paramref name="onDelta"/>, one at a time.</summary>
    public Task RunAsync(Action<MirrorDelta<IpCacheRecord>> onDelta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onDelta);
        return Task.WhenAll(_mirrors.Select(m => Task.Run(() => m.RunAsync(delta => Merge(delta, onDelta), cancellationToken), CancellationToken.None)));
    }

    /// <summary>Decodes one stored entry; null unless it is an ipcache record stored under its own cluster and address.</summary>
    public static IpCacheRecord? Decode(KeyValue kv)
    {
        ArgumentNullException.ThrowIfNull(kv);
        return IpCacheRecord.FromJson(kv.Value) is { } record
            && IPAddress.TryParse(record.Ip, out var address)
            && !string.IsNullOrEmpty(record.Cluster) && !record.Cluster.Contains('/', StringComparison.Ordinal)
            && StoreKeys.IpCache(record.Cluster, address) == kv.Key
                ? record
                : null;
    }

    // Clusters have disjoint prefixes, so a cluster's delta applies to the merged snapshot unchanged.
    private void Merge(MirrorDelta<IpCacheRecord> delta, Action<MirrorDelta<IpCacheRecord>> onDelta)
    {
        lock (_lock)
        {
            var merged = _snapshot.RemoveRange(delta.Removed.Select(r => r.Key))
                .SetItems(delta.Added)
                .SetItems(delta.Updated.Select(u => new KeyValuePair<string, IpCacheRecord>(u.Key, u.Current)));
            Volatile.Write(ref _snapshot, merged);
            onDelta(delta with { Snapshot = merged });
        }
    }
}
