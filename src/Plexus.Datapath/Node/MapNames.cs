namespace Plexus.Datapath.Node;

/// <summary>Names of the pinned maps (bpf/lib/maps.h).</summary>
public static class MapNames
{
    /// <summary>Local endpoints.</summary>
    public const string Endpoints = "plx_endpoints";

    /// <summary>IP/CIDR → identity and tunnel endpoint.</summary>
    public const string IpCache = "plx_ipcache";

    /// <summary>Other nodes' pod blocks → their address (LPM): the tunnel for pods the ipcache does not know yet.</summary>
    public const string Tunnel = "plx_tunnel";

    /// <summary>Connection tracking.</summary>
    public const string Conntrack = "plx_conntrack";

    /// <summary>Masquerade translations.</summary>
    public const string Nat = "plx_nat";

    /// <summary>Per-CPU forward/drop counters.</summary>
    public const string Metrics = "plx_metrics";

    /// <summary>Flow event ring buffer.</summary>
    public const string Events = "plx_events";

    /// <summary>Events lost because the ring was full.</summary>
    public const string EventsLost = "plx_events_lost";

    /// <summary>Service frontends.</summary>
    public const string LbServices = "plx_lb_services";

    /// <summary>Service backends by id.</summary>
    public const string LbBackends = "plx_lb_backends";

    /// <summary>Reverse NAT: service id → frontend.</summary>
    public const string LbRevNat = "plx_lb_revnat";

    /// <summary>Maglev tables: service id → backend id per slot.</summary>
    public const string LbMaglev = "plx_lb_maglev";

    /// <summary>ClientIP affinity (LRU).</summary>
    public const string LbAffinity = "plx_lb_affinity";

    /// <summary>Policy entries of every local endpoint (LPM).</summary>
    public const string Policy = "plx_policy";

    /// <summary>Per-endpoint policy flags (default deny, audit) per direction.</summary>
    public const string PolicyState = "plx_policy_state";

    /// <summary>Every map, in a stable order for status output.</summary>
    public static IReadOnlyList<string> All { get; } = [Endpoints, IpCache, Tunnel, Conntrack, Nat, Metrics, Events, EventsLost, LbServices, LbBackends, LbRevNat, LbMaglev, LbAffinity, Policy, PolicyState];
}
