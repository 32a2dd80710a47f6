namespace Plexus.Interop.Netlink;

/// <summary>Device flags (<c>IFF_*</c>) reported in <c>ifi_flags</c>.</summary>
[Flags]
public enum LinkFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>IFF_UP: administratively up.</summary>
    Up = 0x1,

    /// <summary>IFF_BROADCAST: broadcast address valid.</summary>
    Broadcast = 0x2,

    /// <summary>IFF_LOOPBACK: a loopback device.</summary>
    Loopback = 0x8,

    /// <summary>IFF_POINTOPOINT: a point-to-point link.</summary>
    PointToPoint = 0x10,

    /// <summary>IFF_RUNNING: resources allocated, operationally up.</summary>
    Running = 0x40,

    /// <summary>IFF_NOARP: no ARP / neighbour discovery on this device.</summary>
    NoArp = 0x80,

    /// <summary>IFF_PROMISC: receives all packets.</summary>
    Promiscuous = 0x100,

    /// <summary>IFF_ALLMULTI: receives all multicast packets.</summary>
    AllMulticast = 0x200,

    /// <summary>IFF_MASTER: master of a load balancer.</summary>
    Master = 0x400,

    /// <summary>IFF_SLAVE: slave of a load balancer.</summary>
    Slave = 0x800,

    /// <summary>IFF_MULTICAST: supports multicast.</summary>
    Multicast = 0x1000,

    /// <summary>IFF_LOWER_UP: the carrier is up.</summary>
    LowerUp = 0x10000,

    /// <summary>IFF_DORMANT: waiting for an external event.</summary>
    Dormant = 0x20000,
}
