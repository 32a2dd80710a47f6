using System.Net;

namespace Plexus.Interop.Netlink;

/// <summary>A route to add, replace or delete, and the shape in which routes are listed.</summary>
public sealed record RouteSpec
{
    /// <summary>RT_TABLE_MAIN, the table routes go to by default.</summary>
    public const uint MainTable = 254;

    /// <summary>RTPROT_BOOT, the origin iproute2 gives routes added by hand.</summary>
    public const byte BootProtocol = 3;

    /// <summary>The destination prefix (IPv4 or IPv6); 0.0.0.0/0 or ::/0 for a default route.</summary>
    public required IPNetwork Destination { get; init; }

    /// <summary>The next hop, same family as <see cref="Destination"/>; null for a direct (on-link) route.</summary>
    public IPAddress? Gateway { get; init; }

    /// <summary>The output device; required for direct routes.</summary>
    public LinkRef? OutputLink { get; init; }

    /// <summary>The scope; null picks what iproute2 picks (link for direct routes, universe with a gateway, any on delete).</summary>
    public RouteScope? Scope { get; init; }

    /// <summary>RTNH_F_ONLINK: treat the gateway as on-link even without a matching subnet.</summary>
    public bool OnLink { get; init; }

    /// <summary>The preferred source address for locally generated traffic (RTA_PREFSRC).</summary>
    public IPAddress? Source { get; init; }

    /// <summary>The routing table; null means <see cref="MainTable"/> (and any table when listing).</summary>
    public uint? Table { get; init; }

    /// <summary>The route metric (RTA_PRIORITY); null leaves the kernel default (0 for IPv4, 1024 for IPv6).</summary>
    public uint? Metric { get; init; }

    /// <summary>The route type; unicast by default.</summary>
    public RouteType Type { get; init; } = RouteType.Unicast;

    /// <summary>The RTPROT_* origin recorded with the route; null means <see cref="BootProtocol"/> (any on delete).</summary>
    public byte? Protocol { get; init; }
}
