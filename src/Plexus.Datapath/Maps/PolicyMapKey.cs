using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary>
/// <c>struct policy_key</c>: LPM key of the policy map. The prefix covers identity, endpoint and direction always
/// (<see cref="DatapathConstants.PolicyPrefixFixed"/> bits), then the protocol (8 bits, none for "any protocol"),
/// then 0–16 bits of the destination port.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct PolicyMapKey
{
    /// <summary>Significant bits after this field: 56 (any protocol), 64 + port prefix length otherwise.</summary>
    public uint PrefixLength;

    /// <summary>Peer identity; 0 = any peer.</summary>
    public uint Identity;

    /// <summary>Local endpoint id.</summary>
    public ushort EndpointId;

    /// <summary>1 ingress, 2 egress.</summary>
    public byte Direction;

    /// <summary>IP protocol (0 with the shortest prefix: any).</summary>
    public byte Protocol;

    /// <summary>Destination port (network order); ICMP: the type.</summary>
    public ushort DestinationPort;

    private ushort _pad;
}
