using Plexus.Agent.Api;
using Plexus.Agent.Configuration;
using Plexus.Agent.Endpoints;
using Plexus.Agent.Registration;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Interop.Bpf;

namespace Plexus.Agent.Datapath;

/// <summary>Reads what the kernel reports about this node's datapath: attached programs and map fill levels.</summary>
public static class DatapathStatus
{
    /// <summary>Builds the status view (reads maps and tc; cheap enough for an API call).</summary>
    public static DatapathView Read(AgentConfig config, AgentState state, DatapathController controller, EndpointManager endpoints)
    {
        if (config.PodCidr is null)
        {
            return new DatapathView(false, false, null, null, null, null, [], [], 0);
        }

        if (controller.Datapath is not { } dp)
        {
            return new DatapathView(true, false, controller.Error, state.PodCidr, null, config.BpfPinDirectory, [], [], 0);
        }

        var list = endpoints.List();
        var programs = new List<ProgramView>
        {
            Program(ProgramNames.FromOverlay, DeviceNames.Overlay, dp.OverlayIndex, TcAttachPoint.Ingress),
            Program(ProgramNames.ToOverlay, DeviceNames.Overlay, dp.OverlayIndex, TcAttachPoint.Egress),
            Program(ProgramNames.FromNetwork, config.UnderlayDevice, dp.UnderlayIndex, TcAttachPoint.Ingress),
        };
        foreach (var endpoint in list)
        {
            var index = dp.Endpoints.Lookup<EndpointKey, EndpointInfo>(NodeDatapath.EndpointKeyOf(System.Net.IPAddress.Parse(endpoint.Ip)))?.IfIndex;
            programs.Add(index is { } i
                ? Program(ProgramNames.FromEndpoint, endpoint.Interface, (int)i, TcAttachPoint.Ingress)
                : new ProgramView(ProgramNames.FromEndpoint, endpoint.Interface, "ingress", false, 0, null));
        }

        var maps = new List<MapView>
        {
            Map(dp.Endpoints, dp.Endpoints.GetKeys<EndpointKey>().Count()),
            Map(dp.IpCache, dp.IpCache.GetKeys<IpCacheKey>().Count()),
            // The large LRU tables by batches: a key walk over a full conntrack table takes ~7x longer and restarts when
            // the key it stands on is evicted.
            Map(dp.Conntrack, (int)Metrics.BpfMapMetricsCollector.CountEntries<FlowTuple, CtEntry>(dp.Conntrack)),
            Map(dp.Nat, (int)Metrics.BpfMapMetricsCollector.CountEntries<FlowTuple, NatEntry>(dp.Nat)),
            Map(dp.Metrics, dp.Metrics.GetKeys<MetricsKey>().Count(k => dp.Metrics.LookupPerCpu<MetricsKey, MetricsValue>(k)?.Any(v => v.Packets > 0) == true)),
        };
        return new DatapathView(true, true, null, state.PodCidr, dp.Config.NodeAddress.ToString(), dp.Config.PinDirectory, programs, maps, list.Count);

        static ProgramView Program(string name, string device, int ifIndex, TcAttachPoint hook)
        {
            var found = ProgramHooks.Query(ifIndex, name, hook);
            return new ProgramView(name, device, hook == TcAttachPoint.Ingress ? "ingress" : "egress", found is not null, found?.Id ?? 0, found?.Attach);
        }

        static MapView Map(BpfMap map, int entries) => new(map.Name, entries, map.MaxEntries);
    }
}
