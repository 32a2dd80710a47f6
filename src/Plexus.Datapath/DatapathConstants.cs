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
}
