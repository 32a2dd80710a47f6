namespace Plexus.Model;

/// <summary>Transport protocol of a port rule.</summary>
public enum PortProtocol
{
    /// <summary>TCP.</summary>
    Tcp,

    /// <summary>UDP.</summary>
    Udp,

    /// <summary>SCTP.</summary>
    Sctp,

    /// <summary>ICMP (Cilium port rules only).</summary>
    Icmp,

    /// <summary>ICMPv6 (Cilium port rules only).</summary>
    IcmpV6,

    /// <summary>Any protocol (Cilium port rules only; their default).</summary>
    Any,
}
