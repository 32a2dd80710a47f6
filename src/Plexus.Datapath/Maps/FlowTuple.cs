using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct flow_tuple</c>: conntrack and NAT key.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FlowTuple
{
    /// <summary>Source address.</summary>
    public Addr16 SourceAddress;

    /// <summary>Destination address.</summary>
    public Addr16 DestinationAddress;

    /// <summary>Source port (network order); ICMP echo request id.</summary>
    public ushort SourcePort;

    /// <summary>Destination port (network order); ICMP echo reply id.</summary>
    public ushort DestinationPort;

    /// <summary>IP protocol number.</summary>
    public byte Protocol;

    /// <summary>4 or 6.</summary>
    public byte Family;

    /// <summary>0 for conntrack; NAT: 1 egress, 2 ingress.</summary>
    public byte Scope;

    private byte _pad;
}
