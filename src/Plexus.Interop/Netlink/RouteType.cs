namespace Plexus.Interop.Netlink;

/// <summary>The kind of a route (<c>RTN_*</c>).</summary>
public enum RouteType : byte
{
    /// <summary>RTN_UNSPEC: matches any type in a delete.</summary>
    Unspecified = 0,

    /// <summary>RTN_UNICAST: a gateway or direct route.</summary>
    Unicast = 1,

    /// <summary>RTN_LOCAL: a local address of this host.</summary>
    Local = 2,

    /// <summary>RTN_BROADCAST: a broadcast address, sent as broadcast.</summary>
    Broadcast = 3,

    /// <summary>RTN_ANYCAST: a local anycast address.</summary>
    Anycast = 4,

    /// <summary>RTN_MULTICAST: a multicast route.</summary>
    Multicast = 5,

    /// <summary>RTN_BLACKHOLE: drop silently.</summary>
    Blackhole = 6,

    /// <summary>RTN_UNREACHABLE: drop with host unreachable.</summary>
    Unreachable = 7,

    /// <summary>RTN_PROHIBIT: drop with administratively prohibited.</summary>
    Prohibit = 8,

    /// <summary>RTN_THROW: continue the lookup in another table.</summary>
    Throw = 9,
}
