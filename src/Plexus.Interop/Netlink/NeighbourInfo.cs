using System.Net;
using System.Net.NetworkInformation;

namespace Plexus.Interop.Netlink;

/// <summary>An ARP / NDP neighbour cache entry, as reported by RTM_GETNEIGH.</summary>
public sealed record NeighbourInfo
{
    /// <summary>The ifindex of the device the entry is on.</summary>
    public required int LinkIndex { get; init; }

    /// <summary>The neighbour's IP address.</summary>
    public required IPAddress Address { get; init; }

    /// <summary>The neighbour's link-layer address; null while unresolved.</summary>
    public PhysicalAddress? Mac { get; init; }

    /// <summary>The NUD_* state.</summary>
    public NeighbourState State { get; init; }
}
