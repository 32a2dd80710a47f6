namespace Plexus.Datapath;

/// <summary>Constants shared with bpf/lib/common.h and maps.h.</summary>
public static class DatapathConstants
{
    /// <summary>Family byte for IPv4 in map keys.</summary>
    public const byte FamilyIPv4 = 4;

    /// <summary>Family byte for IPv6 in map keys.</summary>
    public const byte FamilyIPv6 = 6;

    /// <summary>endpoint_info.flags: the endpoint is ready.</summary>
    public const ushort EndpointReady = 1;

    /// <summary>ipcache_info.flags: the address belongs to this node.</summary>
    public const byte IpCacheLocalNode = 1;

    /// <summary>UDP port of the VXLAN overlay.</summary>
    public const int VxlanPort = 8472;

    /// <summary>flow_tuple.scope of conntrack entries that pin a service connection's backend (keyed by the client's tuple to the frontend).</summary>
    public const byte CtScopeService = 1;

    /// <summary>ct_entry.flags: reply seen.</summary>
    public const byte CtReplySeen = 1;

    /// <summary>ct_entry.flags: FIN or RST seen.</summary>
    public const byte CtClosing = 2;

    /// <summary>ct_entry.flags: opened through a service frontend.</summary>
    public const byte CtService = 4;

    /// <summary>ct_entry.flags: a pod reaching itself through a service (source rewritten to <see cref="HairpinAddress"/>).</summary>
    public const byte CtHairpin = 8;

    /// <summary>lb_service.flags: sessionAffinity ClientIP.</summary>
    public const ushort LbAffinity = 1;

    /// <summary>lb_service.flags: a node port (key address 0 = every node address).</summary>
    public const ushort LbNodePort = 2;

    /// <summary>lb_service.flags: a LoadBalancer or external address, served from outside the cluster.</summary>
    public const ushort LbExternal = 4;

    /// <summary>The source address of hairpinned service connections (LB_HAIRPIN_IP).</summary>
    public static readonly System.Net.IPAddress HairpinAddress = System.Net.IPAddress.Parse("169.254.42.1");

    /// <summary>policy_key prefix bits always significant: identity, endpoint id, direction (POLICY_PREFIX_FIXED).</summary>
    public const int PolicyPrefixFixed = 56;

    /// <summary>policy_entry.verdict: allow.</summary>
    public const byte PolicyAllow = 1;

    /// <summary>policy_entry.verdict: deny (drop reason 181).</summary>
    public const byte PolicyDeny = 2;

    /// <summary>policy_state flag: default deny in the direction (no allow = drop 133).</summary>
    public const byte PolicyEnforced = 1;

    /// <summary>policy_state flag: audit mode, policy drops are forwarded and reported with verdict AUDIT.</summary>
    public const byte PolicyAudit = 2;

    /// <summary>policy_state flag: the direction has entries to look up.</summary>
    public const byte PolicyHasEntries = 4;

    /// <summary>flow_event.verdict: AUDIT (4).</summary>
    public const byte VerdictAudit = 4;
}
