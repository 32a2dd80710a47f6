using System.Net.NetworkInformation;

namespace Plexus.Interop.Netlink;

/// <summary>A network device as reported by RTM_GETLINK.</summary>
public sealed record LinkInfo
{
    /// <summary>The ifindex.</summary>
    public required int Index { get; init; }

    /// <summary>The interface name.</summary>
    public required string Name { get; init; }

    /// <summary>The link-layer address, if the device has one.</summary>
    public PhysicalAddress? Mac { get; init; }

    /// <summary>The MTU in bytes.</summary>
    public int Mtu { get; init; }

    /// <summary>The driver kind from IFLA_INFO_KIND (veth, vxlan, bridge…), null for devices without one (lo, physical NICs).</summary>
    public string? Kind { get; init; }

    /// <summary>The IFF_* device flags.</summary>
    public LinkFlags Flags { get; init; }

    /// <summary>The ifindex of the master device (bridge, bond, vrf), if any.</summary>
    public int? MasterIndex { get; init; }

    /// <summary>The ifindex of the peer or lower device (IFLA_LINK), if any; for a veth whose peer is in another namespace this is an index there.</summary>
    public int? LinkIndex { get; init; }

    /// <summary>Whether the device is administratively up (IFF_UP).</summary>
    public bool IsUp => (Flags & LinkFlags.Up) != 0;
}
