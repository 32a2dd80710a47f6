namespace Plexus.Policy;

/// <summary>IP protocol numbers used in policy map keys (0 = any protocol).</summary>
public static class IpProtocols
{
    /// <summary>Wildcard: every protocol (L3-only rules).</summary>
    public const byte Any = 0;

    /// <summary>ICMP (the ICMP type goes in the port field).</summary>
    public const byte Icmp = 1;

    /// <summary>TCP.</summary>
    public const byte Tcp = 6;

    /// <summary>UDP.</summary>
    public const byte Udp = 17;

    /// <summary>ICMPv6 (the ICMP type goes in the port field).</summary>
    public const byte IcmpV6 = 58;

    /// <summary>SCTP.</summary>
    public const byte Sctp = 132;

    /// <summary>The number of a port protocol; <see cref="Plexus.Model.PortProtocol.Any"/> gives 0.</summary>
    public static byte Of(Plexus.Model.PortProtocol protocol) => protocol switch
    {
        Plexus.Model.PortProtocol.Tcp => Tcp,
        Plexus.Model.PortProtocol.Udp => Udp,
        Plexus.Model.PortProtocol.Sctp => Sctp,
        Plexus.Model.PortProtocol.Icmp => Icmp,
        Plexus.Model.PortProtocol.IcmpV6 => IcmpV6,
        _ => Any,
    };

    /// <summary>A short name for traces: <c>tcp</c>, <c>udp</c>, <c>icmp</c>, <c>any</c>, or the number.</summary>
    public static string Name(byte protocol) => protocol switch
    {
        Any => "any",
        Icmp => "icmp",
        Tcp => "tcp",
        Udp => "udp",
        IcmpV6 => "icmpv6",
        Sctp => "sctp",
        _ => protocol.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
