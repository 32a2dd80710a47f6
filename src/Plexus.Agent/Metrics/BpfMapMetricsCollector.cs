using Plexus.Agent.Datapath;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Interop.Bpf;

namespace Plexus.Agent.Metrics;

/// <summary>
/// Fill levels of the node's BPF maps: entries, capacity and their ratio. Counting a hash map means walking it (batch
/// lookups, 1,024 entries per syscall; the LPM tries key by key), which for a full conntrack table is tens of
/// megabytes of copying, so counts are cached for <see cref="CacheTtl"/> and scrapes in between reuse them. The policy
/// trie's count comes from <c>PolicyMaps</c>, which tracks it. Maps the datapath object does not expose are opened
/// from their pins once.
/// </summary>
public sealed class BpfMapMetricsCollector : IMetricsCollector, IDisposable
{
    /// <summary>How long counted entries are reused.</summary>
    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(10);

    private readonly Func<NodeDatapath?> _datapath;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, BpfMap?> _pinned = new(StringComparer.Ordinal);
    private IReadOnlyList<(string Map, long Entries, long Capacity)> _counts = [];
    private DateTimeOffset _countedAt = DateTimeOffset.MinValue;

    /// <summary>Counts the maps of <paramref name="controller"/>'s datapath once it runs.</summary>
    public BpfMapMetricsCollector(DatapathController controller, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(controller);
        _datapath = () => controller.Datapath;
        _time = time;
    }

    /// <inheritdoc/>
    public string Name => "bpf-maps";

    /// <inheritdoc/>
    public void Collect(MetricsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_datapath() is not { } dp)
        {
            return;
        }

        IReadOnlyList<(string Map, long Entries, long Capacity)> counts;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (now - _countedAt >= CacheTtl)
            {
                _counts = Count(dp);
                _countedAt = now;
            }

            counts = _counts;
        }

        foreach (var (map, entries, capacity) in counts)
        {
            writer.Add(MetricCatalogue.MapEntries, entries, map);
            writer.Add(MetricCatalogue.MapCapacity, capacity, map);
            writer.Add(MetricCatalogue.MapPressure, capacity > 0 ? (double)entries / capacity : 0, map);
        }
    }

    /// <summary>Entries of a hash-type map, by batch lookups (<see cref="BpfMap.GetEntries{TKey,TValue}"/>; a key walk where batches are not supported or fail).</summary>
    public static long CountEntries<TKey, TValue>(BpfMap map)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        ArgumentNullException.ThrowIfNull(map);
        try
        {
            return map.GetEntries<TKey, TValue>().LongCount();
        }
        catch (BpfException)
        {
            return map.GetKeys<TKey>().LongCount();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var map in _pinned.Values)
            {
                map?.Dispose();
            }

            _pinned.Clear();
        }
    }

    private List<(string, long, long)> Count(NodeDatapath dp)
    {
        var result = new List<(string, long, long)>
        {
            Entry(dp.Endpoints, CountEntries<EndpointKey, EndpointInfo>),
            Entry(dp.IpCache, m => m.GetKeys<IpCacheKey>().LongCount()),
            Entry(dp.Conntrack, CountEntries<FlowTuple, CtEntry>),
            Entry(dp.Nat, CountEntries<FlowTuple, NatEntry>),
        };
        var policy = dp.Policy.Counts;
        result.Add((MapNames.Policy, policy.Entries, policy.Capacity));
        AddPinned(result, dp, MapNames.PolicyState, CountEntries<uint, PolicyState>);
        AddPinned(result, dp, MapNames.LbServices, CountEntries<LbServiceKey, LbService>);
        AddPinned(result, dp, MapNames.LbBackends, CountEntries<uint, LbBackend>);
        AddPinned(result, dp, MapNames.LbRevNat, CountEntries<uint, LbRevNat>);
        AddPinned(result, dp, MapNames.LbMaglev, m => m.GetKeys<uint>().LongCount());
        AddPinned(result, dp, MapNames.LbAffinity, CountEntries<LbAffinityKey, LbAffinity>);
        return result;

        static (string, long, long) Entry(BpfMap map, Func<BpfMap, long> count) => (map.Name, count(map), map.MaxEntries);
    }

    private void AddPinned(List<(string, long, long)> result, NodeDatapath dp, string name, Func<BpfMap, long> count)
    {
        if (!_pinned.TryGetValue(name, out var map))
        {
            _pinned[name] = map = BpfMap.TryOpenPinned(Path.Combine(dp.Config.PinDirectory, name));
        }

        if (map is not null)
        {
            result.Add((name, count(map), map.MaxEntries));
        }
    }
}
