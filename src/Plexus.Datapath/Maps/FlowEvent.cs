using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct flow_event</c>: one ring-buffer record.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FlowEvent
{
    /// <summary>bpf_ktime_get_ns().</summary>
    public ulong TimeNs;

    /// <summary>1 drop, 4 trace.</summary>
    public byte Type;

    /// <summary>Drop reason.</summary>
    public byte Reason;

    /// <summary>Trace point.</summary>
    public byte ObservationPoint;

    /// <summary>1 ingress, 2 egress.</summary>
    public byte Direction;

    /// <summary>Device the program ran on.</summary>
    public uint IfIndex;

    /// <summary>Source identity.</summary>
    public uint SourceIdentity;

    /// <summary>Destination identity.</summary>
    public uint DestinationIdentity;

    /// <summary>4 or 6.</summary>
    public byte Family;

    /// <summary>IP protocol.</summary>
    public byte Protocol;

    /// <summary>TCP flags of the packet.</summary>
    public byte TcpFlags;

    /// <summary>1 when the packet is a reply.</summary>
    public byte IsReply;

    /// <summary>Remote node for overlay trace points (network order).</summary>
    public uint TunnelEndpoint;

    /// <summary>Source address.</summary>
    public Addr16 SourceAddress;

    /// <summary>Destination address.</summary>
    public Addr16 DestinationAddress;

    /// <summary>Source port (network order).</summary>
    public ushort SourcePort;

    /// <summary>Destination port (network order).</summary>
    public ushort DestinationPort;

    /// <summary>Packet length.</summary>
    public uint Length;

    /// <summary>The policy entry's rule id that decided a new connection (0 = none; <see cref="Policy.PolicyMaps.DescribeRule"/>).</summary>
    public uint RuleId;

    /// <summary>0 (the type says it) or 4 AUDIT: a policy drop forwarded in audit mode (<see cref="Reason"/> says which).</summary>
    public byte Verdict;

    /// <summary>ICMP: the message type (echo request 8, echo reply 0, …).</summary>
    public byte IcmpType;

    /// <summary>A new connection opened through a service: the service id (reverse-NAT key), else 0.</summary>
    public ushort RevNat;
}
