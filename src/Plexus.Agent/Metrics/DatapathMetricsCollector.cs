using Plexus.Agent.Datapath;
using Plexus.Datapath.Maps;
using Plexus.Flows;
using Plexus.Interop.Bpf;

namespace Plexus.Agent.Metrics;

/// <summary>
/// The datapath's forward/drop counters: the per-CPU <c>plx_metrics</c> array (index = the bytes of a
/// <c>metrics_key {reason, dir}</c>), read in one batch call per scrape and summed over CPUs. Written under Plexus's
/// names (Hubble's reason names) and Cilium's (<c>cilium_drop_count_total</c> with Cilium's reason text).
/// </summary>
public sealed class DatapathMetricsCollector(Func<BpfMap?> metricsMap) : IMetricsCollector
{
    /// <summary>Entries of the metrics array: 256 reasons × 4 directions.</summary>
    public const int Slots = 1024;

    private readonly Lock _lock = new();
    private uint[] _keys = [];
    private MetricsValue[] _values = [];

    /// <summary>Reads the map of <paramref name="controller"/>'s datapath once it runs.</summary>
    public DatapathMetricsCollector(DatapathController controller)
        : this(() => controller.Datapath?.Metrics)
    {
    }

    /// <inheritdoc/>
    public string Name => "datapath";

    /// <inheritdoc/>
    public void Collect(MetricsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (metricsMap() is not { } map)
        {
            return;
        }

        foreach (var (key, packets, bytes) in Read(map))
        {
            var reason = (int)(key & 0xff);
            var direction = (int)((key >> 8) & 0xff);
            var dir = FlowNames.DirectionName(direction);
            var ciliumDir = CiliumDirection(direction);
            if (reason == 0)
            {
                writer.Add(MetricCatalogue.DatapathPackets, packets, dir, "FORWARDED", "NONE");
                writer.Add(MetricCatalogue.DatapathBytes, bytes, dir, "FORWARDED", "NONE");
                writer.Add(MetricCatalogue.CiliumForwardCount, packets, ciliumDir);
                writer.Add(MetricCatalogue.CiliumForwardBytes, bytes, ciliumDir);
            }
            else
            {
                var name = FlowNames.DropReasonName(reason);
                var text = FlowNames.DropReasonDescription(reason);
                writer.Add(MetricCatalogue.DatapathPackets, packets, dir, "DROPPED", name);
                writer.Add(MetricCatalogue.DatapathBytes, bytes, dir, "DROPPED", name);
                writer.Add(MetricCatalogue.CiliumDropCount, packets, text, ciliumDir);
                writer.Add(MetricCatalogue.CiliumDropBytes, bytes, text, ciliumDir);
            }
        }
    }

    /// <summary>Cilium's direction label values.</summary>
    public static string CiliumDirection(int direction) => direction switch
    {
        1 => "INGRESS",
        2 => "EGRESS",
        _ => "UNKNOWN",
    };

    /// <summary>The non-zero slots, summed over CPUs.</summary>
    private List<(uint Key, ulong Packets, ulong Bytes)> Read(BpfMap map)
    {
        var cpus = BpfMap.PossibleCpus;
        var result = new List<(uint, ulong, ulong)>();
        lock (_lock)
        {
            var slots = Math.Min(map.MaxEntries, Slots);
            if (_keys.Length != slots || _values.Length != slots * cpus)
            {
                _keys = new uint[slots];
                _values = new MetricsValue[slots * cpus];
            }

            var cursor = new BpfBatchCursor();
            var read = 0;
            while (!cursor.IsComplete && read < slots)
            {
                var n = map.LookupBatchPerCpu(cursor, _keys.AsSpan(read), _values.AsSpan(read * cpus));
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            for (var i = 0; i < read; i++)
            {
                ulong packets = 0, bytes = 0;
                foreach (var v in _values.AsSpan(i * cpus, cpus))
                {
                    packets += v.Packets;
                    bytes += v.Bytes;
                }

                if (packets > 0)
                {
                    result.Add((_keys[i], packets, bytes));
                }
            }
        }

        return result;
    }
}
